// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * SUMMARY   One connection to a socketmap server: a request netstring out, a reply netstring in.
 * DESCRIPTION
 *   Non-blocking channel plus selector, so that connect, write and read all end at a
 *   deadline on TCP and UNIX-domain sockets alike (UNIX channels have no SO_TIMEOUT).
 */
final class SocketmapConnection implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final InputStream in;
    private final long createdNanos = System.nanoTime();
    private long lastUsedNanos = createdNanos;
    private long deadlineNanos;

    private SocketmapConnection(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
        this.in = new BufferedInputStream(new ChannelInput(), 4096);
    }

    static SocketmapConnection open(SocketmapEndpoint endpoint, Duration timeout) throws IOException {
        SocketChannel channel = endpoint.newChannel();
        Selector selector = null;
        try {
            selector = Selector.open();
            SocketmapConnection connection = new SocketmapConnection(channel, selector);
            connection.deadlineNanos = System.nanoTime() + timeout.toNanos();
            if (!channel.connect(endpoint.address())) {
                connection.await(SelectionKey.OP_CONNECT);
                channel.finishConnect();
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** Sends {@code request} and reads the reply payload, all within {@code timeout}. */
    byte[] exchange(byte[] request, int maxReply, Duration timeout) throws IOException {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
        ByteBuffer out = ByteBuffer.wrap(Netstring.encode(request));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
        byte[] reply = Netstring.read(in, maxReply);
        lastUsedNanos = System.nanoTime();
        return reply;
    }

    Duration age() {
        return Duration.ofNanos(System.nanoTime() - createdNanos);
    }

    Duration idle() {
        return Duration.ofNanos(System.nanoTime() - lastUsedNanos);
    }

    private void await(int operation) throws IOException {
        SelectionKey key = channel.register(selector, operation);
        try {
            while (true) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("socketmap server did not answer in time");
                }
                if (selector.select(Math.max(1, left / 1_000_000)) > 0) {
                    selector.selectedKeys().clear();
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Reads from the channel, waiting until the deadline. */
    private final class ChannelInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            ByteBuffer target = ByteBuffer.wrap(buffer, offset, length);
            while (true) {
                int n = channel.read(target);
                if (n != 0) {
                    return n;
                }
                await(SelectionKey.OP_READ);
            }
        }
    }
}
