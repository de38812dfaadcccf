// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.security.sasl.SaslException;

import org.postern.api.support.LogText;
import org.slf4j.Logger;

/**
 * SUMMARY   SMTP AUTH (RFC 4954) on a freshly greeted session, as Postfix's smtp(8) client
 *           does it (smtp_sasl_proto.c, smtp_sasl_glue.c).
 * DESCRIPTION
 *   Nothing happens when the server does not announce AUTH, or when smtp_sasl_password_maps
 *   has no entry for it: the client then talks to the server "like a stranger". A server
 *   whose list has nothing that smtp_sasl_mechanism_filter lets through gets Postfix's warning
 *   "h[a]:port offered no supported AUTH mechanisms: '...'". With a password found:
 *     - no mechanism left after the filter: 4.7.0 "SASL authentication failed: server h[a]
 *       offered no compatible authentication mechanisms for this type of connection security";
 *     - none this client can use (PLAIN and LOGIN need TLS unless the security options in
 *       force, smtp_sasl_tls_security_options over TLS, lack noplaintext): 4.7.0 "SASL
 *       authentication failed; cannot authenticate to server h[a]: no mechanism available";
 *     - a final reply other than 2xx: "SASL authentication failed; server h[a] said: 535 ...",
 *       logged as a warning; a 5xx becomes 4xx (first digit of the status) when
 *       smtp_sasl_auth_soft_bounce = yes, else the recipients bounce.
 *   Every failure is a {@link SessionFailure}: the next host is tried, as Postfix's
 *   smtp_sess_fail() does; the session is never reused.
 * SECURITY  The password goes out base64-encoded inside AUTH lines, which are never logged.
 *   Challenges are untrusted: malformed base64 ends the attempt; at most 100 steps.
 * BUGS      No smtp_sasl_auth_cache_name (535 cache); mechanisms other than PLAIN and LOGIN
 *   are never chosen.
 */
final class SmtpAuthenticator {

    private static final int MAX_STEPS = 100;

    private final SaslSettings sasl;
    private final SaslPasswords passwords;
    private final SaslCredentials senderCredentials;
    private final String destination;
    private final Logger log;

    /**
     * @param senderCredentials found by sender address (sender-dependent authentication), or null
     * @param destination       the next-hop destination as given, e.g. "[mail.isp.example]:587"
     */
    SmtpAuthenticator(SaslSettings sasl, SaslPasswords passwords, SaslCredentials senderCredentials,
                      String destination, Logger log) {
        this.sasl = sasl;
        this.passwords = passwords;
        this.senderCredentials = senderCredentials;
        this.destination = destination;
        this.log = log;
    }

    void authenticate(SmtpSession session) throws SessionFailure.Exception {
        List<String> offered = session.features().authMechanisms();
        if (offered == null) {
            return;
        }
        Endpoint endpoint = session.endpoint();
        List<String> usable = offered.stream().filter(sasl::mechanismAllowed).toList();
        if (offered.isEmpty()) {
            log.warn("warning: {} offered null AUTH mechanism list", endpoint.relay());
        } else if (usable.isEmpty()) {
            log.warn("warning: {} offered no supported AUTH mechanisms: '{}'", endpoint.relay(),
                    LogText.printable(String.join(" ", offered)));
        }
        Optional<SaslCredentials> credentials = credentials(endpoint);
        if (credentials.isEmpty()) {
            return;
        }
        if (usable.isEmpty()) {
            throw failure(false, "4.7.0", "SASL authentication failed: server " + endpoint
                    + " offered no compatible authentication mechanisms for this type of connection security");
        }
        boolean tls = session.connection().tlsSession() != null;
        Optional<String> mechanism = SaslMechanism.SUPPORTED.stream()
                .filter(m -> usable.contains(m) && sasl.plaintextAllowed(tls)).findFirst();
        if (mechanism.isEmpty()) {
            throw failure(false, "4.7.0", cannot(endpoint, "no mechanism available"));
        }
        run(session, mechanism.get(), credentials.get());
    }

    private Optional<SaslCredentials> credentials(Endpoint endpoint) throws SessionFailure.Exception {
        if (senderCredentials != null) {
            return Optional.of(senderCredentials);
        }
        try {
            return passwords.forServer(endpoint.hostname(), destination);
        } catch (ClientTables.Failure e) {
            throw failure(false, "4.3.0", "local data error while talking to " + endpoint);
        }
    }

    private void run(SmtpSession session, String name, SaslCredentials credentials) throws SessionFailure.Exception {
        SmtpConnection connection = session.connection();
        Endpoint endpoint = session.endpoint();
        connection.timeout(session.settings().heloTimeout());
        try {
            SaslMechanism mechanism = SaslMechanism.create(name, credentials, endpoint.hostname());
            byte[] initial = mechanism.initialResponse();
            // RFC 4954 section 4: an empty initial response is sent as "="
            connection.send("AUTH " + name + (initial == null ? "" : " " + (initial.length == 0 ? "=" : encode(initial))));
            connection.flush();
            SmtpReply reply = connection.readReply();
            int steps = 0;
            while (reply.code() / 100 == 3) {
                if (++steps > MAX_STEPS) {
                    session.markUnusable();
                    throw failure(false, "4.3.0", "SASL authentication failed; authentication protocol loop with server "
                            + endpoint);
                }
                connection.send(encode(mechanism.respond(challenge(reply))));
                connection.flush();
                reply = connection.readReply();
            }
            if (!reply.positive()) {
                log.warn("warning: SASL authentication failed; server {} said: {}", endpoint,
                        LogText.printable(reply.text()));
                boolean hard = reply.permanentFailure() && !sasl.softBounce();
                String dsn = reply.permanentFailure() && sasl.softBounce()
                        ? "4" + reply.dsnStatus().substring(1) : reply.dsnStatus();
                if (reply.closing()) {
                    session.markUnusable();
                }
                throw failure(hard, dsn, "SASL authentication failed; server " + endpoint + " said: " + reply.text());
            }
        } catch (SaslException e) {
            session.markUnusable();     // the server still waits for an answer
            throw failure(false, "4.7.0", cannot(endpoint, e.getMessage()));
        } catch (IOException e) {
            session.markUnusable();
            throw failure(false, "4.4.2", session.lost("performing SASL authentication", e));
        }
    }

    /** The challenge text after "334 ", base64-decoded. */
    private static byte[] challenge(SmtpReply reply) throws SaslException {
        String line = reply.lines().get(0);
        String text = line.length() > 4 ? line.substring(4).strip() : "";
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new SaslException("malformed SASL challenge from server");
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String cannot(Endpoint endpoint, String why) {
        return "SASL authentication failed; cannot authenticate to server " + endpoint + ": " + why;
    }

    private static SessionFailure.Exception failure(boolean permanent, String dsn, String diagnostic) {
        return new SessionFailure.Exception(new SessionFailure(permanent, dsn, diagnostic, false));
    }

}
