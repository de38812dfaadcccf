// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.TrustManager;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.support.IpAddresses;
import org.postern.api.tls.TlsSessionResult.FailureType;

/**
 * SUMMARY   Fetches https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 section 3.3).
 * DESCRIPTION
 *   The policy host's addresses come from the DnsResolver service (A, then AAAA), like every
 *   other name the client looks up, so dns_servers applies; the JDK 17 HttpClient cannot be
 *   given addresses while keeping the Host header and SNI, so this is a small HTTP/1.1 GET
 *   over an SSLSocket: SNI and the RFC 6125 name check ("HTTPS" endpoint identification) on
 *   mta-sts.DOMAIN, the WebPKI anchors of {@link WebPki}, "Connection: close". Only status
 *   200 is a policy: a redirect is never followed (RFC 8461: MUST NOT), no HTTP cache is
 *   involved. The media type must be text/plain (parameters such as charset allowed); the
 *   body is read with Content-Length, chunked transfer coding, or until the server closes,
 *   and more than 64 KB fails. mta_sts_fetch_timeout bounds the connect and the whole
 *   exchange. Production uses port 443; a test hook gives another.
 * SECURITY  Everything the web server sends is untrusted: header lines are bounded (8 KB,
 *   100 of them), the body by the limit above; a certificate failure is reported as
 *   sts-webpki-invalid, never worked around.
 * BUGS      IPv4 addresses are tried before IPv6 ones; no HTTP/2, no keep-alive (one request
 *   per fetch, which is all MTA-STS needs).
 */
final class PolicyFetcher {

    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 100;
    static final String PATH = "/.well-known/mta-sts.txt";

    /** The body of a 200 text/plain answer, or why there is none. */
    sealed interface Result permits Result.Fetched, Result.Failed {
        record Fetched(String body) implements Result {
        }

        record Failed(FailureType type, String reason) implements Result {
        }
    }

    private final Supplier<DnsResolver> dns;
    private final WebPki pki;
    private final int port;

    PolicyFetcher(Supplier<DnsResolver> dns, WebPki pki, int port) {
        this.dns = dns;
        this.pki = pki;
        this.port = port;
    }

    Result fetch(String domain, String caFile, Duration timeout) {
        String host = "mta-sts." + domain;
        List<InetAddress> addresses = new ArrayList<>();
        String dnsProblem = "";
        DnsResolver resolver = dns.get();
        if (resolver == null) {
            return fetchError("no DNS resolver service for " + host);
        }
        for (DnsRecordType type : List.of(DnsRecordType.A, DnsRecordType.AAAA)) {
            DnsResult r;
            try {
                r = resolver.lookup(host, type);
            } catch (RuntimeException e) {
                r = new DnsResult.TemporaryFailure(String.valueOf(e.getMessage()));
            }
            if (r instanceof DnsResult.Answer answer) {
                for (DnsRecord record : answer.records()) {
                    byte[] bytes = record.type() == type ? IpAddresses.parse(record.data()) : null;
                    if (bytes != null) {
                        try {
                            addresses.add(InetAddress.getByAddress(host, bytes));
                        } catch (IOException e) {
                            // a malformed address from DNS: skip it
                        }
                    }
                }
            } else if (r instanceof DnsResult.TemporaryFailure t) {
                dnsProblem = ": " + t.reason();
            }
        }
        if (addresses.isEmpty()) {
            return fetchError("no address for " + host + dnsProblem);
        }
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {pki.trustManager(caFile)}, null);
        } catch (IOException | GeneralSecurityException e) {
            return fetchError(e.getMessage());
        }
        Result last = null;
        for (InetAddress address : addresses) {
            last = fetchFrom(context, host, address, timeout);
            if (!(last instanceof Result.Failed f) || !f.reason().startsWith("connect ")) {
                return last;
            }
        }
        return last;
    }

    private Result fetchFrom(SSLContext context, String host, InetAddress address, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), (int) Math.max(1, timeout.toMillis()));
        } catch (IOException e) {
            close(plain);
            return fetchError("connect to " + host + "[" + address.getHostAddress() + "]:" + port + ": " + e.getMessage());
        }
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.setSoTimeout(remaining(deadline));
            try {
                tls.startHandshake();
            } catch (SSLHandshakeException e) {
                return new Result.Failed(FailureType.STS_WEBPKI_INVALID, "TLS handshake with " + host + ": " + e.getMessage());
            }
            OutputStream out = tls.getOutputStream();
            out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Postern\r\nAccept: text/plain\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return read(new Deadlined(tls, new java.io.BufferedInputStream(tls.getInputStream()), deadline), host);
        } catch (SocketTimeoutException e) {
            return fetchError("timeout fetching https://" + host + PATH);
        } catch (IOException e) {
            return fetchError("fetching https://" + host + PATH + ": " + e.getMessage());
        }
    }

    private static Result read(Deadlined in, String host) throws IOException {
        String status = in.line();
        String[] words = status.split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/1.")) {
            return fetchError("not an HTTP response from " + host);
        }
        String code = words[1];
        long length = -1;
        boolean chunked = false;
        String type = null;
        for (int n = 0;; n++) {
            String header = in.line();
            if (header.isEmpty()) {
                break;
            }
            if (n >= MAX_HEADERS) {
                return fetchError("too many header lines from " + host);
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                return fetchError("malformed header line from " + host);
            }
            String name = header.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return fetchError("bad Content-Length from " + host);
                    }
                }
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> type = value;
                default -> {
                }
            }
        }
        if (!code.equals("200")) {
            return fetchError(code.startsWith("3") ? "HTTP status " + code + " from " + host + " (redirects are not followed)"
                    : "HTTP status " + code + " from " + host);
        }
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("text/plain")) {
            return fetchError("media type \"" + (type == null ? "" : type) + "\" from " + host + " is not text/plain");
        }
        byte[] body;
        if (chunked) {
            body = in.chunked();
        } else if (length >= 0) {
            if (length > MAX_BODY) {
                return fetchError("policy from " + host + " is larger than " + MAX_BODY + " bytes");
            }
            body = in.exactly((int) length);
        } else {
            body = in.untilClose();
        }
        if (body == null) {
            return fetchError("policy from " + host + " is larger than " + MAX_BODY + " bytes");
        }
        return new Result.Fetched(new String(body, StandardCharsets.UTF_8));
    }

    private static Result fetchError(String reason) {
        return new Result.Failed(FailureType.STS_POLICY_FETCH_ERROR, reason);
    }

    private static int remaining(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing was sent on it
        }
    }

    /** Reads with the whole fetch's deadline on every read. */
    private static final class Deadlined {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;

        Deadlined(Socket socket, InputStream in, long deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        private int read() throws IOException {
            socket.setSoTimeout(remaining(deadline));
            return in.read();
        }

        /** A CRLF (or LF) terminated line without its terminator. */
        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            while (true) {
                int c = read();
                if (c < 0) {
                    throw new IOException("connection closed in the HTTP header");
                }
                if (c == '\n') {
                    int end = b.length();
                    return end > 0 && b.charAt(end - 1) == '\r' ? b.substring(0, end - 1) : b.toString();
                }
                if (b.length() >= MAX_LINE) {
                    throw new IOException("HTTP header line too long");
                }
                b.append((char) c);
            }
        }

        byte[] exactly(int n) throws IOException {
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = read();
                if (c < 0) {
                    throw new IOException("connection closed after " + i + " of " + n + " bytes");
                }
                out[i] = (byte) c;
            }
            return out;
        }

        /** Null when more than the limit arrives. */
        byte[] untilClose() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int c = read(); c >= 0; c = read()) {
                if (out.size() >= MAX_BODY) {
                    return null;
                }
                out.write(c);
            }
            return out.toByteArray();
        }

        /** Null when more than the limit arrives. */
        byte[] chunked() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = line().split(";", 2)[0].strip();
                int n;
                try {
                    n = Integer.parseInt(size, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size");
                }
                if (n < 0 || out.size() + (long) n > MAX_BODY) {
                    return null;
                }
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailer fields are ignored
                    }
                    return out.toByteArray();
                }
                out.write(exactly(n));
                line();
            }
        }
    }
}
