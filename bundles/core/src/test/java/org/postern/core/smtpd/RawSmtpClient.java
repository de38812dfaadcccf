// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw socket for the tests a real client library cannot do (pipelined plaintext after
 * STARTTLS, hanging up after the final dot, malformed input). Reads byte by byte so that nothing
 * past a reply is consumed before a TLS switch.
 */
final class RawSmtpClient implements AutoCloseable {

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawSmtpClient(InetSocketAddress address) throws IOException {
        this(address, null);
    }

    /** Connects from {@code localAddress} (127.0.0.2: a client outside mynetworks = 127.0.0.1/32). */
    RawSmtpClient(InetSocketAddress address, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.setTcpNoDelay(true); // a byte written is a byte sent: the trickle tests depend on it
        socket.connect(address, 5000);
        socket.setSoTimeout(10000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes the text in one write call (one TCP segment on loopback). */
    void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One complete reply, possibly multi-line, lines joined with "\n"; null at end of stream. */
    String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return all.length() == 0 ? null : all.toString();
            }
            if (all.length() > 0) {
                all.append('\n');
            }
            all.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** TLS handshake on the existing connection, trusting any certificate, with a new TLS context. */
    SSLSocket startTls() throws Exception {
        return startTls(trustingContext());
    }

    /** As {@link #startTls()} with {@code context}: reuse one to offer the server a session to resume. */
    SSLSocket startTls(SSLContext context) throws Exception {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
        ssl.startHandshake();
        socket = ssl;
        in = ssl.getInputStream();
        out = ssl.getOutputStream();
        return ssl;
    }

    /** A client TLS context trusting any certificate. */
    static SSLContext trustingContext() throws Exception {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
        return context;
    }

    /** Whether the server has sent something not read yet. */
    boolean replyWaiting() throws IOException {
        return in.available() > 0;
    }

    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
