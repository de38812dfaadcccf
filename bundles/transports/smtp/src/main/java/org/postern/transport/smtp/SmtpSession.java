// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import org.postern.api.support.LogText;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.slf4j.Logger;

/**
 * SUMMARY   One SMTP/LMTP session up to the point where mail can be sent: connect, greeting,
 *           EHLO (HELO fallback) or LHLO, opportunistic or mandatory STARTTLS, EHLO again.
 * DESCRIPTION
 *   Failures become a {@link SessionFailure} with Postfix's wording: "connect to
 *   host[addr]:port: Connection refused", "host h[a] refused to talk to me: 554 ...",
 *   "lost connection with h[a] while performing the EHLO handshake", "conversation with
 *   h[a] timed out while receiving the initial server greeting", "TLS is required, but was
 *   not offered by host h[a]". A 5xx greeting is treated as 4xx (try the next host) unless
 *   smtp_skip_5xx_greeting = no. EHLO rejected with 5xx falls back to HELO (SMTP only).
 *   TLS levels: none never starts TLS; may starts it when offered and carries on in
 *   plaintext when the server refuses STARTTLS; encrypt and verify require it.
 * SECURITY  Everything the server says is untrusted; diagnostics quote it as received
 *   (log lines pass through LogText).
 * BUGS      No STARTTLS over UNIX-domain sockets; no XFORWARD; no smtp_pix_workarounds.
 */
final class SmtpSession implements Closeable {

    private final SmtpConnection connection;
    private final ClientSettings settings;
    private final String cacheKey;
    private ServerFeatures features = ServerFeatures.NONE;
    private boolean usable = true;

    private SmtpSession(SmtpConnection connection, ClientSettings settings, String cacheKey) {
        this.connection = connection;
        this.settings = settings;
        this.cacheKey = cacheKey;
    }

    /**
     * Connects and greets.
     *
     * @param allowTls false for the plaintext retry after a failed handshake at level may
     */
    static SmtpSession open(Endpoint endpoint, ClientSettings settings, Duration connectTimeout, boolean allowTls,
                            Watchdog watchdog, EndpointTls tls, TlsAttemptListener attempts, String cacheKey, Logger log)
            throws SessionFailure.Exception {
        SmtpConnection connection;
        try {
            connection = SmtpConnection.open(endpoint, connectTimeout, watchdog);
        } catch (IOException e) {
            throw failure(SessionFailure.soft("4.4.1", "connect to " + endpoint.relay() + ": " + connectError(e)));
        }
        SmtpSession session = new SmtpSession(connection, settings, cacheKey);
        try {
            session.handshake(allowTls, tls, attempts, log);
            return session;
        } catch (SessionFailure.Exception e) {
            connection.close();
            throw e;
        }
    }

    private void handshake(boolean allowTls, EndpointTls tls, TlsAttemptListener attempts, Logger log)
            throws SessionFailure.Exception {
        boolean wrapped = tls.wrapperMode() && tls.requirement() != EndpointTls.Requirement.NONE;
        if (wrapped) {
            connection.timeout(settings.startTlsTimeout());
            negotiate(tls, attempts, "", true, log);     // smtps: TLS before the greeting, no STARTTLS
        }
        connection.timeout(settings.heloTimeout());
        SmtpReply greeting = exchange(null, "receiving the initial server greeting");
        if (!greeting.positive()) {
            boolean skip = greeting.permanentFailure() && settings.skip5xxGreeting();
            String dsn = skip ? "4" + greeting.dsnStatus().substring(1) : greeting.dsnStatus();
            throw failure(new SessionFailure(greeting.permanentFailure() && !skip, dsn,
                    "host " + endpoint() + " refused to talk to me: " + greeting.text(), false));
        }
        String helo = greeting.lines().get(0).length() > 4 ? greeting.lines().get(0).substring(4).strip().split("\\s+")[0] : "";
        hello();
        boolean required = tls.mandatory();
        if (wrapped || tls.requirement() == EndpointTls.Requirement.NONE || (!allowTls && !required)
                || (endpoint().isUnix() && !required)) {
            return;
        }
        if (!features.startTls()) {
            if (required) {
                attempts.attempted(endpoint(), helo, connection.localAddress(),
                        Optional.of(FailureType.STARTTLS_NOT_SUPPORTED), "STARTTLS was not offered");
                throw failure(SessionFailure.soft("4.7.4", "TLS is required, but was not offered by host " + endpoint()));
            }
            return;
        }
        connection.timeout(settings.startTlsTimeout());
        SmtpReply reply = exchange("STARTTLS", "sending STARTTLS");
        if (!reply.positive()) {
            if (required) {
                attempts.attempted(endpoint(), helo, connection.localAddress(),
                        Optional.of(FailureType.STARTTLS_NOT_SUPPORTED), "STARTTLS refused: " + reply.text());
            }
            if (required || reply.closing()) {
                throw failure(SessionFailure.soft("4.7.4", required
                        ? "TLS is required, but host " + endpoint() + " refused to start TLS: " + reply.text()
                        : said(reply, "STARTTLS")));
            }
            return;
        }
        negotiate(tls, attempts, helo, required, log);
        connection.timeout(settings.heloTimeout());
        SmtpReply again = exchange(settings.protocol().hello() + " " + settings.heloName(),
                "performing the " + settings.protocol().hello() + " handshake");
        if (!again.positive()) {
            throw failure(helloFailure(again, settings.protocol().hello()));
        }
        features = ServerFeatures.parse(again);
    }

    /**
     * The TLS handshake, logged as Postfix's smtp(8) does at smtp_tls_loglevel and reported to
     * {@code attempts} when it failed or made a new session: a resumed session was reported when
     * its full handshake was made, and is not counted again.
     */
    private void negotiate(EndpointTls tls, TlsAttemptListener attempts, String helo, boolean required, Logger log)
            throws SessionFailure.Exception {
        settings.tlsLog().settingUp(log, endpoint().relay(), tls.handshake());
        long start = System.currentTimeMillis();
        try {
            connection.startTls(tls.factory(), tls.handshake());
        } catch (IOException e) {
            boolean handshake = e instanceof SSLException && !connection.timedOut();
            log.warn("warning: TLS handshake with {} failed: {}", endpoint(), LogText.printable(e.getMessage()));
            boolean untrusted = tls.authenticated() && causedBy(e, CertificateException.class);
            attempts.attempted(endpoint(), helo, connection.localAddress(), Optional.of(connection.timedOut()
                    ? FailureType.VALIDATION_FAILURE : TlsFailures.classify(e)), String.valueOf(e.getMessage()));
            throw failure(new SessionFailure(false, "4.7.5", connection.timedOut()
                    ? "conversation with " + endpoint() + " timed out while performing the TLS handshake"
                    : untrusted ? "Server certificate not verified" : "Cannot start TLS: handshake failure",
                    handshake && !required));
        }
        SSLSession tlsSession = connection.tlsSession();
        boolean resumed = resumed(tlsSession, start);
        if (!resumed) {
            attempts.attempted(endpoint(), helo, connection.localAddress(), Optional.empty(), "");
        }
        settings.tlsLog().established(log, endpoint().relay(), tls.trust(), tlsSession, resumed);
    }

    /** JSSE does not say "resumed": a session older than the handshake was taken from the cache. */
    static boolean resumed(SSLSession session, long handshakeStart) {
        return session.getCreationTime() < handshakeStart;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private void hello() throws SessionFailure.Exception {
        Protocol p = settings.protocol();
        if (p == Protocol.LMTP || !settings.neverSendEhlo()) {
            SmtpReply reply = exchange(p.hello() + " " + settings.heloName(), "performing the " + p.hello() + " handshake");
            if (reply.positive()) {
                features = ServerFeatures.parse(reply);
                return;
            }
            if (p == Protocol.LMTP || !reply.permanentFailure()) {
                throw failure(helloFailure(reply, p.hello()));
            }
        }
        SmtpReply reply = exchange("HELO " + settings.heloName(), "performing the HELO handshake");
        if (!reply.positive()) {
            throw failure(helloFailure(reply, "HELO"));
        }
        features = ServerFeatures.NONE;
    }

    private SessionFailure helloFailure(SmtpReply reply, String command) {
        return new SessionFailure(reply.permanentFailure(), reply.dsnStatus(), said(reply, command), false);
    }

    /** Sends a command (none for the greeting) and reads the reply; I/O trouble becomes a failure. */
    private SmtpReply exchange(String command, String where) throws SessionFailure.Exception {
        try {
            if (command != null) {
                connection.send(command);
                connection.flush();
            }
            return connection.readReply();
        } catch (IOException e) {
            throw failure(SessionFailure.soft("4.4.2", lost(where, e)));
        }
    }

    /** RSET before reusing a cached connection; false when the connection is no good. */
    boolean reset() {
        connection.timeout(settings.rsetTimeout());
        try {
            connection.send("RSET");
            connection.flush();
            if (connection.readReply().positive()) {
                return true;
            }
        } catch (IOException e) {
            // fall through: not reusable
        }
        usable = false;
        return false;
    }

    /** QUIT when the session is still in order (without waiting for the reply, as Postfix's smtp_skip_quit_response), then close. */
    void quit() {
        if (usable) {
            connection.timeout(settings.quitTimeout());
            try {
                connection.send("QUIT");
                connection.flush();
                if (settings.protocol() == Protocol.LMTP) {
                    connection.readReply();
                }
            } catch (IOException e) {
                // closing anyway
            }
        }
        close();
    }

    /** QUIT without waiting for any reply, then close: for idle sessions leaving the cache. */
    void dismiss() {
        if (usable) {
            try {
                connection.send("QUIT");
                connection.flush();
            } catch (IOException e) {
                // closing anyway
            }
        }
        close();
    }

    @Override
    public void close() {
        usable = false;
        connection.close();
    }

    /** "host h[a] said: 550 ... (in reply to RCPT TO command)". */
    String said(SmtpReply reply, String command) {
        return "host " + endpoint() + " said: " + reply.text() + " (in reply to " + command + " command)";
    }

    /** "lost connection with h[a] while ..." or "conversation with h[a] timed out while ...". */
    String lost(String where, IOException e) {
        if (connection.timedOut() || e instanceof SocketTimeoutException) {
            return "conversation with " + endpoint() + " timed out while " + where;
        }
        if (e instanceof SmtpConnection.MalformedReplyException) {
            return "host " + endpoint() + " sent a malformed reply while " + where + ": " + LogText.printable(e.getMessage());
        }
        return "lost connection with " + endpoint() + " while " + where;
    }

    private static String connectError(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "Connection timed out";
        }
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int paren = m.indexOf(" (");
        return paren > 0 ? m.substring(0, paren) : m;
    }

    private static SessionFailure.Exception failure(SessionFailure f) {
        return new SessionFailure.Exception(f);
    }

    Endpoint endpoint() {
        return connection.endpoint();
    }

    SmtpConnection connection() {
        return connection;
    }

    ServerFeatures features() {
        return features;
    }

    ClientSettings settings() {
        return settings;
    }

    String cacheKey() {
        return cacheKey;
    }

    boolean usable() {
        return usable;
    }

    /** Whether the session runs over TLS (STARTTLS or wrapper mode). */
    boolean encrypted() {
        return connection.tlsSession() != null;
    }

    /** After 421, I/O errors, timeouts: never reuse, never QUIT. */
    void markUnusable() {
        usable = false;
    }
}
