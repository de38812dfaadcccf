// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.function.Supplier;

import javax.net.ssl.SSLSession;

import org.postern.core.smtpd.sasl.AuthExchange;
import org.postern.core.smtpd.sasl.SaslAuthServer;
import org.postern.core.smtpd.tls.TlsSessionInfo;

/**
 * SUMMARY   The TLS and SASL state of one session: the TLS session once STARTTLS completed,
 *           the authenticated user and how it was established, the authentication server
 *           conversation and an AUTH exchange waiting for the client.
 * DESCRIPTION
 *   The user comes from AUTH (the mechanism is the method) or from XCLIENT LOGIN (the method
 *   is "XCLIENT"). STARTTLS forgets a user authenticated in plaintext, not an XCLIENT one.
 *   The authentication server conversation is opened at first use, on the blocking executor,
 *   and closed with the session; both may race, hence the synchronization.
 * SECURITY  The user name comes from the authentication server or an authorized XCLIENT client.
 */
final class SecurityState {

    /** The method of a user given by XCLIENT LOGIN. */
    static final String XCLIENT = "XCLIENT";

    private final Supplier<SaslAuthServer> saslServers;
    private SSLSession tls;
    private TlsSessionInfo tlsInfo;
    /** The authenticated user (AUTH or XCLIENT LOGIN); null when none. */
    private String saslUsername;
    /** How saslUsername was established: the AUTH mechanism, or "XCLIENT"; null when none. */
    private String saslMethod;
    /** This session's authentication server conversation, opened at first use. */
    private SaslAuthServer saslServer;
    private boolean saslClosed;
    /** The exchange waiting for the client's answer to a 334 challenge; null otherwise. */
    private AuthExchange authExchange;

    /** @param saslServers opens authentication server conversations; null without SMTP AUTH */
    SecurityState(Supplier<SaslAuthServer> saslServers) {
        this.saslServers = saslServers;
    }

    /** The TLS session; null before STARTTLS completed. */
    SSLSession tls() {
        return tls;
    }

    boolean tlsActive() {
        return tls != null;
    }

    void tlsEstablished(SSLSession session, TlsSessionInfo info) {
        tls = session;
        tlsInfo = info;
    }

    /** What the handshake established (protocol, cipher, client certificate); null before. */
    TlsSessionInfo tlsInfo() {
        return tlsInfo;
    }

    /** Null when not authenticated. */
    String saslUsername() {
        return saslUsername;
    }

    /** Null when not authenticated. */
    String saslMethod() {
        return saslMethod;
    }

    /** AUTH succeeded with {@code mechanism}. */
    void authenticated(String username, String mechanism) {
        saslUsername = username;
        saslMethod = mechanism;
    }

    /** XCLIENT: LOGIN's user, or none when LOGIN was not given. */
    void xclientLogin(String login) {
        saslUsername = login;
        saslMethod = login == null ? null : XCLIENT;
    }

    /** STARTTLS: a user authenticated in plaintext is not carried into the TLS session. */
    void forgetPlaintextLogin() {
        if (saslMethod != null && !saslMethod.equals(XCLIENT)) {
            saslUsername = null;
            saslMethod = null;
        }
    }

    /** The exchange that sent a 334 challenge now waits for the client's answer. */
    void awaitResponse(AuthExchange exchange) {
        authExchange = exchange;
    }

    /** The exchange waiting for an answer, or null; it no longer waits after this call. */
    AuthExchange takeExchange() {
        AuthExchange x = authExchange;
        authExchange = null;
        return x;
    }

    /** The authentication server conversation; call on the executor (the first call only creates it). */
    synchronized SaslAuthServer saslServer() {
        if (saslServer == null) {
            saslServer = saslServers.get();
            if (saslClosed) {
                saslServer.close(); // the session ended while this was on its way
            }
        }
        return saslServer;
    }

    /** The session ended. */
    synchronized void closeSaslServer() {
        saslClosed = true;
        if (saslServer != null) {
            saslServer.close();
        }
    }
}
