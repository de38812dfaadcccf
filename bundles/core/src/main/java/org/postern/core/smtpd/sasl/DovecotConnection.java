// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * SUMMARY   A line connection to a Dovecot auth server (UNIX or TCP) where every connect, read
 *           and write has a time limit.
 * DESCRIPTION
 *   A non-blocking SocketChannel with its own Selector: blocking JDK sockets cannot time out
 *   reads on UNIX-domain channels. Lines end with LF and are UTF-8.
 * SECURITY  The server is trusted to speak the protocol, not to be sane: lines are limited to
 *           {@link #MAX_LINE} bytes and a silent server costs at most the timeout per read.
 */
final class DovecotConnection implements AutoCloseable {

    /** Dovecot expects lines to fit into 16 KB; SASL data is the largest part. Twice that, for safety. */
    static final int MAX_LINE = 32 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private DovecotConnection(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
        in.flip();
    }

    static DovecotConnection open(DovecotEndpoint endpoint, Duration timeout) throws IOException {
        SocketChannel ch = endpoint.isUnix() ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        Selector sel = null;
        try {
            sel = Selector.open();
            ch.configureBlocking(false);
            DovecotConnection c = new DovecotConnection(ch, sel, timeout);
            boolean done = ch.connect(endpoint.isUnix() ? UnixDomainSocketAddress.of(endpoint.socket())
                    : new InetSocketAddress(endpoint.host(), endpoint.port()));
            if (!done) {
                c.await(SelectionKey.OP_CONNECT, "connect");
                ch.finishConnect();
            }
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (sel != null) {
                sel.close();
            }
            throw e;
        }
    }

    void writeLine(String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, "write");
            }
        }
    }

    /** The next line without its LF. */
    String readLine() throws IOException {
        line.reset();
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() >= MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " bytes from the authentication server");
                }
                line.write(b);
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                throw new EOFException("connection closed by the authentication server");
            }
            if (n == 0) {
                await(SelectionKey.OP_READ, "read");
            }
        }
    }

    private void await(int op, String what) throws IOException {
        SelectionKey key = channel.register(selector, op);
        try {
            if (selector.select(Math.max(1, timeout.toMillis())) == 0) {
                throw new SocketTimeoutException(what + " timed out after " + timeout.toMillis() + "ms");
            }
        } finally {
            selector.selectedKeys().clear();
            key.interestOps(0);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
        try {
            selector.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
