// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.io.IOException;
import java.util.List;

/**
 * SUMMARY   One SMTP session's conversation with an authentication server.
 * DESCRIPTION
 *   The session asks for the mechanisms to announce at EHLO, then starts and continues
 *   exchanges; one exchange at a time. {@link DovecotAuthClient} is the implementation; tests
 *   use scripted ones.
 * SECURITY  Every method may block on the network: call them off the event loop. The strings
 *           passed in come from the SMTP client.
 */
public interface SaslAuthServer extends AutoCloseable {

    /**
     * The mechanisms the SMTP server may announce, after the security options for a session
     * with or without TLS.
     *
     * @throws IOException when the authentication server cannot be reached (the message is
     *                     the warning to log)
     */
    List<String> mechanisms(boolean tls) throws IOException;

    /**
     * Starts an exchange.
     *
     * @param mechanism        as the client named it (case-insensitive)
     * @param initialResponse  base64, "" for an empty one (RFC 4954 "="), null for none;
     *                         already checked to be base64
     */
    AuthStep start(String mechanism, String initialResponse, ClientInfo client);

    /** Continues the exchange started last with the client's base64 response (already checked). */
    AuthStep next(String response);

    /** Drops the connection; safe to call from any thread, more than once. */
    @Override
    void close();
}
