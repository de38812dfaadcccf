// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

/**
 * SUMMARY   The outcome of one step of a SASL exchange (RFC 4954), as the SMTP server answers it.
 * DESCRIPTION
 *   A challenge continues the exchange (334); success ends it (235); a failure (535), a
 *   temporary failure (454) or an abort by the client (501) end it without a user. Reasons and
 *   user names come from the authentication server and are logged; see SECURITY.
 * SECURITY  Reasons and user names are the authentication server's text about client input:
 *           the session logs them through LogText.printable and puts reasons into replies.
 */
public sealed interface AuthStep {

    /** The server wants more: send "334 " + the base64 challenge (may be empty). */
    record Challenge(String base64) implements AuthStep {
    }

    /** Authenticated as {@code username}. */
    record Success(String username) implements AuthStep {
    }

    /**
     * Authentication failed (wrong password, bad base64, unknown mechanism).
     *
     * @param username the user the server names, or null when unknown
     */
    record Failure(String reason, String username) implements AuthStep {
    }

    /** The authentication server is down or failed temporarily; the client may try again later. */
    record TemporaryFailure(String reason, String username) implements AuthStep {
    }

    /** The client sent "*" (RFC 4954 section 4). */
    record Aborted() implements AuthStep {
    }
}
