// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.util.Base64;
import java.util.Locale;

/**
 * SUMMARY   One AUTH command's exchange (RFC 4954): the client's side checked, the server's
 *           side delegated to a {@link SaslAuthServer}.
 * DESCRIPTION
 *   The initial response "=" means an empty one (RFC 4954 section 4); a response of "*"
 *   aborts; anything that is not base64 fails with Postfix's texts ("Invalid base64 data in
 *   initial response" / "... in continued response"), before the server sees it.
 * SECURITY  Initial and continued responses are client input; only checked base64 goes on.
 *           {@link #start} and {@link #respond} may block: call them off the event loop.
 */
public final class AuthExchange {

    private final SaslAuthServer server;
    private final String mechanism;
    private final ClientInfo client;

    public AuthExchange(SaslAuthServer server, String mechanism, ClientInfo client) {
        this.server = server;
        this.mechanism = mechanism.toUpperCase(Locale.ROOT);
        this.client = client;
    }

    /** The mechanism, upper case (for "sasl_method=PLAIN"). */
    public String mechanism() {
        return mechanism;
    }

    /** Starts with the AUTH command's initial response, or null when it had none. */
    public AuthStep start(String initialResponse) {
        String initial = "=".equals(initialResponse) ? "" : initialResponse;
        if (initial != null && !isBase64(initial)) {
            return new AuthStep.Failure("Invalid base64 data in initial response", null);
        }
        return server.start(mechanism, initial, client);
    }

    /** Continues with one line the client sent after a 334 challenge. */
    public AuthStep respond(String line) {
        if (line.equals("*")) {
            return new AuthStep.Aborted();
        }
        if (!isBase64(line)) {
            return new AuthStep.Failure("Invalid base64 data in continued response", null);
        }
        return server.next(line);
    }

    static boolean isBase64(String s) {
        if (s.length() % 4 != 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '=')) {
                return false;
            }
        }
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
