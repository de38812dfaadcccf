// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.policy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;

import org.postern.api.support.LogText;

/**
 * SUMMARY   One connection to a policy server: sends a request, reads one reply.
 * DESCRIPTION
 *   Non-blocking, so that every wait (connect, write, read) has the endpoint's timeout. A
 *   reply is "name=value" lines up to an empty line; it is well formed when every line has a
 *   name and a value separator, the "action" attribute is present and not empty, no line is
 *   longer than {@value #MAX_LINE} bytes and the text is UTF-8. Anything else is an
 *   {@link IOException} whose message is the warning, worded as Postfix's attribute client
 *   words it ("missing attribute action in input from ..."); the caller closes the
 *   connection, since what follows on it can no longer be trusted.
 * SECURITY  The reply comes from another process, possibly compromised: lines are bounded,
 *           and warning text is made printable and truncated.
 */
final class PolicyConnection {

    static final int MAX_LINE = 4096;

    private final PolicyEndpoint endpoint;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer input = ByteBuffer.allocate(MAX_LINE);
    private final long opened = System.nanoTime();
    private long lastUsed = opened;
    private int requests;
    /** The idle timer's task while the connection waits in the pool. */
    ScheduledFuture<?> expiry;

    private PolicyConnection(PolicyEndpoint endpoint, SocketChannel channel) throws IOException {
        this.endpoint = endpoint;
        this.channel = channel;
        this.selector = Selector.open();
    }

    static PolicyConnection open(PolicyEndpoint endpoint) throws IOException {
        SocketAddress target;
        SocketChannel channel;
        if (endpoint.address() instanceof UnixDomainSocketAddress unix) {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            target = unix;
        } else {
            InetSocketAddress unresolved = (InetSocketAddress) endpoint.address();
            target = new InetSocketAddress(unresolved.getHostString(), unresolved.getPort());
            channel = SocketChannel.open();
        }
        PolicyConnection c = null;
        try {
            channel.configureBlocking(false);
            c = new PolicyConnection(endpoint, channel);
            if (!channel.connect(target)) {
                if (!c.await(SelectionKey.OP_CONNECT, c.deadline())) {
                    throw new IOException("Connection timed out");
                }
                channel.finishConnect();
            }
            return c;
        } catch (IOException e) {
            if (c != null) {
                c.close();
            } else {
                channel.close();
            }
            throw new IOException("connect to " + endpoint.name() + ": " + reason(e), e);
        }
    }

    /** Whether the pool may hand it out again: open, within max_idle, max_ttl and request_limit. */
    boolean usable(long now) {
        return channel.isOpen()
                && now - lastUsed < endpoint.maxIdle().toNanos()
                && now - opened < endpoint.maxTtl().toNanos()
                && (endpoint.requestLimit() <= 0 || requests < endpoint.requestLimit());
    }

    /** Nanoseconds from {@code now} until max_idle or max_ttl ends this connection, whichever is first. */
    long nanosUntilExpiry(long now) {
        long idle = lastUsed + endpoint.maxIdle().toNanos() - now;
        long ttl = opened + endpoint.maxTtl().toNanos() - now;
        return Math.max(0, Math.min(idle, ttl));
    }

    /** Sends the request; returns the reply's action. */
    String exchange(String request) throws IOException {
        requests++;
        long deadline = deadline();
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0 && !await(SelectionKey.OP_WRITE, deadline)) {
                throw new IOException("timeout on " + endpoint.name() + " while sending the request");
            }
        }
        String action = null;
        String problem = null;
        for (String line; !(line = readLine(deadline)).isEmpty(); ) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                problem = first(problem, "missing value for string attribute " + shown(line) + " from " + endpoint.name());
            } else if (eq == 0) {
                problem = first(problem, "unexpected attribute " + shown(line) + " in input from " + endpoint.name());
            } else if (action == null && line.startsWith("action=")) {
                action = line.substring(7);
            }
        }
        lastUsed = System.nanoTime();
        if (problem != null) {
            throw new IOException(problem);
        }
        if (action == null) {
            throw new IOException("missing attribute action in input from " + endpoint.name());
        }
        if (action.isBlank()) {
            throw new IOException("access table " + endpoint.name() + " entry \"action=" + shown(action) + "\" has empty value");
        }
        return action;
    }

    private static String first(String problem, String candidate) {
        return problem != null ? problem : candidate;
    }

    private static String shown(String text) {
        return LogText.printable(text.length() > 100 ? text.substring(0, 100) : text);
    }

    /** The next line without its newline (and CR); a reply that ends before its empty line is an error. */
    private String readLine(long deadline) throws IOException {
        while (true) {
            input.flip();
            for (int i = input.position(); i < input.limit(); i++) {
                if (input.get(i) == '\n') {
                    ByteBuffer line = input.slice(input.position(), i - input.position());
                    String text = decode(line);   // before compact(), which moves the bytes under the slice
                    input.position(i + 1);
                    input.compact();
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
            }
            input.compact();
            if (!input.hasRemaining()) {
                throw new IOException("string length > " + MAX_LINE + " characters from " + endpoint.name()
                        + " while reading input attribute value");
            }
            int n = channel.read(input);
            if (n < 0) {
                throw new IOException("premature end-of-input on " + endpoint.name() + " while reading input attribute name");
            }
            if (n == 0 && !await(SelectionKey.OP_READ, deadline)) {
                throw new IOException("timeout on " + endpoint.name() + " while reading input attribute name");
            }
        }
    }

    private String decode(ByteBuffer line) throws IOException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(line);
            return chars.toString();
        } catch (CharacterCodingException e) {
            line.rewind();
            String text = StandardCharsets.UTF_8.decode(line).toString();
            throw new IOException("malformed UTF-8 in policy server " + endpoint.name() + " response: \""
                    + shown(text.startsWith("action=") ? text.substring(7) : text) + "\"");
        }
    }

    private long deadline() {
        return System.nanoTime() + endpoint.timeout().toNanos();
    }

    /** Waits until the channel is ready for {@code operation}; false when the deadline passed first. */
    private boolean await(int operation, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        SelectionKey key = channel.register(selector, operation);
        try {
            if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
                return false;
            }
            selector.selectedKeys().clear();
            return true;
        } finally {
            key.interestOps(0);
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : LogText.printable(e.getMessage());
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
