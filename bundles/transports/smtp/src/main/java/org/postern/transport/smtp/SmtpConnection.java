// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.postern.api.support.IpAddresses;

/**
 * SUMMARY   One client connection (TCP, optionally upgraded by STARTTLS, or UNIX-domain):
 *           commands out, replies in, every read and write under a deadline.
 * DESCRIPTION
 *   Blocking I/O on the delivering thread. {@link #timeout(Duration)} sets the limit for each
 *   following read or write on the socket, as Postfix's per-command timeouts do (a long
 *   message keeps going as long as each write makes progress within smtp_data_xfer_timeout).
 * SECURITY  Replies are untrusted: lines are cut at 2048 bytes, replies at 200 lines; a
 *   line without a valid code is a malformed reply.
 */
final class SmtpConnection implements Closeable {

    static final int MAX_LINE = 2048;
    static final int MAX_LINES = 200;

    /** A reply that does not follow RFC 5321 section 4.2. */
    static final class MalformedReplyException extends IOException {
        MalformedReplyException(String line) {
            super("malformed reply: " + line);
        }
    }

    private final Endpoint endpoint;
    private final Closeable transport;
    private final Socket socket;
    private final Watchdog.Deadline deadline;
    private final long createdNanos = System.nanoTime();
    private InputStream in;
    private OutputStream out;
    private SSLSession tlsSession;
    private volatile Duration timeout = Duration.ofSeconds(300);
    private int transactions;

    private SmtpConnection(Endpoint endpoint, Socket socket, SocketChannel channel, Watchdog watchdog) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.transport = socket != null ? socket : channel;
        this.deadline = watchdog.deadline(transport);
        InputStream rawIn = socket != null ? socket.getInputStream() : Channels.newInputStream(channel);
        OutputStream rawOut = socket != null ? socket.getOutputStream() : Channels.newOutputStream(channel);
        streams(rawIn, rawOut);
    }

    /** Connects within {@code connectTimeout} (zero: the system's own limit). */
    static SmtpConnection open(Endpoint endpoint, Duration connectTimeout, Watchdog watchdog) throws IOException {
        if (endpoint.isUnix()) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            Watchdog.Deadline connecting = watchdog.deadline(channel);
            connecting.arm(connectTimeout);
            try {
                channel.connect(UnixDomainSocketAddress.of(endpoint.path()));
            } catch (IOException e) {
                channel.close();
                throw connecting.expired() ? new java.net.SocketTimeoutException("Connection timed out") : e;
            } finally {
                connecting.disarm();
            }
            return new SmtpConnection(endpoint, null, channel, watchdog);
        }
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(endpoint.address(), endpoint.port()),
                    (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
            socket.setTcpNoDelay(true);
            return new SmtpConnection(endpoint, socket, null, watchdog);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void streams(InputStream rawIn, OutputStream rawOut) {
        in = new BufferedInputStream(new FilterInputStream(rawIn) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                deadline.arm(timeout);
                try {
                    return super.read(b, off, len);
                } finally {
                    deadline.disarm();
                }
            }
        }, 8192);
        out = new BufferedOutputStream(new FilterOutputStream(rawOut) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                deadline.arm(timeout);
                try {
                    out.write(b, off, len);
                } finally {
                    deadline.disarm();
                }
            }
        }, 16384);
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /** Our address on this connection ("" for a UNIX-domain socket). */
    String localAddress() {
        return socket == null || socket.getLocalAddress() == null ? ""
                : IpAddresses.format(socket.getLocalAddress().getAddress());
    }

    /** The limit for each following socket read and write. */
    void timeout(Duration value) {
        timeout = value;
    }

    /** True when the last failure came from a deadline, not from the peer. */
    boolean timedOut() {
        return deadline.expired();
    }

    /** Queues a command line (CRLF added); {@link #flush()} sends what is queued. */
    void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    /** The stream for the message content; the caller dot-stuffs and flushes. */
    OutputStream contentStream() {
        return out;
    }

    SmtpReply readReply() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || line.charAt(0) < '2' || line.charAt(0) > '5'
                    || !Character.isDigit(line.charAt(1)) || !Character.isDigit(line.charAt(2))
                    || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                throw new MalformedReplyException(line);
            }
            if (lines.size() < MAX_LINES) {
                lines.add(line);
            }
            if (line.length() == 3 || line.charAt(3) == ' ') {
                return new SmtpReply(Integer.parseInt(line.substring(0, 3)), lines);
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new java.io.EOFException("Connection closed by peer");
            }
            if (line.size() < MAX_LINE) {
                line.write(c);
            }
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * Starts TLS over the TCP connection after the server's 220 to STARTTLS.
     *
     * @param verifyName the name the certificate must match, or null to accept any certificate
     */
    void startTls(SSLSocketFactory factory, EndpointTls.Handshake handshake) throws IOException {
        if (socket == null) {
            throw new IOException("STARTTLS over a UNIX-domain socket is not supported");
        }
        if (in.available() > 0) {
            // bytes after the 220 and before the handshake: an injection attempt (CVE-2011-0411's
            // mirror image), which would be read as if it came over TLS
            throw new IOException("the server sent " + in.available() + " bytes after its STARTTLS reply, before the"
                    + " TLS handshake");
        }
        SSLSocket tls = (SSLSocket) factory.createSocket(socket, endpoint.hostname(), endpoint.port(), true);
        tls.setUseClientMode(true);
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(handshake.protocols().toArray(String[]::new));
        params.setCipherSuites(handshake.suites().toArray(String[]::new));
        params.setServerNames(handshake.serverName() == null ? List.of() : List.of(new SNIHostName(handshake.serverName())));
        tls.setSSLParameters(params);
        deadline.arm(timeout);
        try {
            tls.startHandshake();
        } finally {
            deadline.disarm();
        }
        tlsSession = tls.getSession();
        streams(tls.getInputStream(), tls.getOutputStream());
    }

    /** The TLS session, or null for a plaintext connection. */
    SSLSession tlsSession() {
        return tlsSession;
    }

    long ageNanos() {
        return System.nanoTime() - createdNanos;
    }

    int transactions() {
        return transactions;
    }

    void countTransaction() {
        transactions++;
    }

    /** Closes at once, without QUIT (after 421, errors, timeouts). */
    @Override
    public void close() {
        deadline.disarm();
        try {
            transport.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
