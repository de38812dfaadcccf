// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * SUMMARY   One connection to a filter: length-prefixed milter packets with a deadline on every
 *           connect, write and read (a non-blocking channel under a selector, for TCP and
 *           UNIX-domain sockets alike).
 * SECURITY  A filter's packet longer than {@link Milter8#MAX_PACKET} is refused (an
 *           IOException, then the milter's default action) rather than allocated.
 */
final class PacketChannel implements AutoCloseable {

    /** One packet from the filter. */
    record Packet(byte command, byte[] data) {
        String text() {
            int end = data.length;
            while (end > 0 && data[end - 1] == 0) {
                end--;
            }
            return new String(data, 0, end, StandardCharsets.UTF_8);
        }
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private PacketChannel(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    static PacketChannel connect(SocketAddress address, Duration timeout) throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector selector = null;
        try {
            if (!(address instanceof UnixDomainSocketAddress)) {
                // small request-reply packets: Nagle plus a delayed ACK would add 40 ms to each
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            ch.configureBlocking(false);
            selector = Selector.open();
            if (!ch.connect(address)) {
                SelectionKey key = ch.register(selector, SelectionKey.OP_CONNECT);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!ch.finishConnect()) {
                    await(selector, deadline, "connect");
                }
                key.cancel();
                selector.selectNow();
            }
            return new PacketChannel(ch, selector);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    /** A packet that goes out with the next {@link #send} (SMFIC_MACRO before its command): one write. */
    void queue(byte command, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(5 + data.length);
        b.putInt(data.length + 1).put(command).put(data);
        pending.write(b.array(), 0, b.capacity());
    }

    void send(byte command, byte[] data, Duration timeout) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(pending.size() + 5 + data.length);
        b.put(pending.toByteArray()).putInt(data.length + 1).put(command).put(data).flip();
        pending.reset();
        long deadline = System.nanoTime() + timeout.toNanos();
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        try {
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    await(selector, deadline, "write");
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    Packet receive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer header = ByteBuffer.allocate(4);
        fill(header, deadline);
        int length = header.flip().getInt();
        if (length < 1 || length > Milter8.MAX_PACKET) {
            throw new IOException("bad packet length " + length);
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        fill(body, deadline);
        byte[] all = body.array();
        byte[] data = new byte[length - 1];
        System.arraycopy(all, 1, data, 0, data.length);
        return new Packet(all[0], data);
    }

    private void fill(ByteBuffer b, long deadline) throws IOException {
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        try {
            while (b.hasRemaining()) {
                int n = channel.read(b);
                if (n < 0) {
                    throw new IOException("connection closed by the filter");
                }
                if (n == 0) {
                    await(selector, deadline, "read");
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    private static void await(Selector selector, long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what + " timed out");
        }
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** NUL-terminated strings, concatenated. */
    static byte[] strings(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }
}
