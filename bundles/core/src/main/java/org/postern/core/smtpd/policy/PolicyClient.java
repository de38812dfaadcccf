// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.policy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Postfix's SMTPD policy delegation protocol, client side (check_policy_service).
 * DESCRIPTION
 *   A request is "name=value" lines and an empty line; the answer is "action=..." and an
 *   empty line (SMTPD_POLICY_README). Connections are kept and reused: each is used by one
 *   request at a time, closed after max_idle unused, after max_ttl of age, or after
 *   request_limit requests. A failed exchange is retried try_limit times in all, retry_delay
 *   apart, on a fresh connection; when every try fails the answer is the endpoint's
 *   default_action (451 4.3.5 Server configuration problem), never a rejection by accident.
 * SECURITY  Attribute values come from the client; newlines are removed so a value cannot
 *           end the request or add attributes.
 */
public final class PolicyClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");
    private static final int MAX_LINE = 4096;

    private final PolicyEndpoint endpoint;
    private final Deque<Connection> idle = new ArrayDeque<>();

    public PolicyClient(PolicyEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    public PolicyEndpoint endpoint() {
        return endpoint;
    }

    /** Asks the policy server; returns its action, or default_action when it cannot answer. */
    public String query(Map<String, String> attributes) {
        String request = encode(attributes);
        for (int attempt = 1; attempt <= endpoint.tryLimit(); attempt++) {
            Connection c = null;
            try {
                c = take();
                String action = c.exchange(request);
                give(c);
                return action;
            } catch (IOException e) {
                if (c != null) {
                    c.close();
                }
                LOG.warn("warning: problem talking to server {}: {}", endpoint.name(), LogText.printable(String.valueOf(e.getMessage())));
                if (attempt < endpoint.tryLimit()) {
                    sleep();
                }
            }
        }
        LOG.warn("warning: problem talking to server {}: giving up after {} tries, using default_action \"{}\"",
                endpoint.name(), endpoint.tryLimit(), endpoint.defaultAction());
        return endpoint.defaultAction();
    }

    private String encode(Map<String, String> attributes) {
        StringBuilder out = new StringBuilder();
        attributes.forEach((k, v) -> out.append(k).append('=').append(v == null ? "" : v.replaceAll("[\r\n]", " ")).append('\n'));
        if (!endpoint.policyContext().isEmpty()) {
            out.append("policy_context=").append(endpoint.policyContext()).append('\n');
        }
        return out.append('\n').toString();
    }

    private Connection take() throws IOException {
        long now = System.nanoTime();
        synchronized (idle) {
            while (!idle.isEmpty()) {
                Connection c = idle.pollFirst();
                if (c.usable(now)) {
                    return c;
                }
                c.close();
            }
        }
        return Connection.open(endpoint);
    }

    private void give(Connection c) {
        if (!c.usable(System.nanoTime())) {
            c.close();
            return;
        }
        synchronized (idle) {
            idle.addFirst(c);
        }
    }

    private void sleep() {
        try {
            Thread.sleep(endpoint.retryDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        synchronized (idle) {
            idle.forEach(Connection::close);
            idle.clear();
        }
    }

    /** One connection to the policy server, non-blocking so that every wait has the timeout. */
    private static final class Connection {
        private final PolicyEndpoint endpoint;
        private final SocketChannel channel;
        private final Selector selector;
        private final ByteBuffer input = ByteBuffer.allocate(MAX_LINE);
        private final long opened = System.nanoTime();
        private long lastUsed = opened;
        private int requests;

        private Connection(PolicyEndpoint endpoint, SocketChannel channel) throws IOException {
            this.endpoint = endpoint;
            this.channel = channel;
            this.selector = Selector.open();
        }

        static Connection open(PolicyEndpoint endpoint) throws IOException {
            SocketChannel channel;
            SocketAddress target;
            if (endpoint.address() instanceof UnixDomainSocketAddress unix) {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                target = unix;
            } else {
                InetSocketAddress unresolved = (InetSocketAddress) endpoint.address();
                target = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
                channel = SocketChannel.open();
            }
            channel.configureBlocking(false);
            Connection c = new Connection(endpoint, channel);
            try {
                if (!channel.connect(target)) {
                    c.await(SelectionKey.OP_CONNECT, deadline(endpoint));
                    channel.finishConnect();
                }
            } catch (IOException e) {
                c.close();
                throw e;
            }
            return c;
        }

        private static long deadline(PolicyEndpoint endpoint) {
            return System.nanoTime() + endpoint.timeout().toNanos();
        }

        boolean usable(long now) {
            return channel.isOpen()
                    && now - lastUsed < endpoint.maxIdle().toNanos()
                    && now - opened < endpoint.maxTtl().toNanos()
                    && (endpoint.requestLimit() <= 0 || requests < endpoint.requestLimit());
        }

        String exchange(String request) throws IOException {
            requests++;
            long deadline = deadline(endpoint);
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline);
                }
            }
            String action = null;
            for (String line; (line = readLine(deadline)) != null; ) {
                if (line.isEmpty()) {
                    lastUsed = System.nanoTime();
                    if (action == null) {
                        throw new IOException("server reply has no action attribute");
                    }
                    return action;
                }
                if (line.startsWith("action=")) {
                    action = line.substring(7);
                }
            }
            throw new IOException("server closed the connection");
        }

        /** The next line without its newline, or null at end of stream. */
        private String readLine(long deadline) throws IOException {
            while (true) {
                input.flip();
                for (int i = input.position(); i < input.limit(); i++) {
                    if (input.get(i) == '\n') {
                        byte[] line = new byte[i - input.position()];
                        input.get(line);
                        input.get();   // the newline
                        input.compact();
                        String text = new String(line, StandardCharsets.UTF_8);
                        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                    }
                }
                input.compact();
                if (!input.hasRemaining()) {
                    throw new IOException("reply line longer than " + MAX_LINE + " bytes");
                }
                int n = channel.read(input);
                if (n < 0) {
                    return null;
                }
                if (n == 0) {
                    await(SelectionKey.OP_READ, deadline);
                }
            }
        }

        private void await(int operation, long deadline) throws IOException {
            long left = deadline - System.nanoTime();
            SelectionKey key = channel.register(selector, operation);
            try {
                if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
                    throw new IOException("timeout after " + endpoint.timeout().toMillis() + "ms");
                }
                selector.selectedKeys().clear();
            } finally {
                key.interestOps(0);
            }
        }

        void close() {
            try {
                selector.close();
                channel.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
