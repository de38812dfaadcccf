// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

/**
 * A session that could not be set up (connect, greeting, EHLO, STARTTLS): what to tell the
 * recipients if no other host does better.
 *
 * @param permanent     bounce instead of defer (a 5xx greeting with smtp_skip_5xx_greeting = no, 5xx HELO)
 * @param tlsHandshake  the TLS handshake failed at level "may": worth one more try in plaintext
 */
record SessionFailure(boolean permanent, String dsnStatus, String diagnostic, boolean tlsHandshake) {

    static SessionFailure soft(String dsnStatus, String diagnostic) {
        return new SessionFailure(false, dsnStatus, diagnostic, false);
    }

    /** Thrown inside {@link SmtpSession}; carries the failure out of the handshake. */
    static final class Exception extends java.lang.Exception {
        private static final long serialVersionUID = 1L;
        private final transient SessionFailure failure;

        Exception(SessionFailure failure) {
            super(failure.diagnostic(), null, false, false);
            this.failure = failure;
        }

        SessionFailure failure() {
            return failure;
        }
    }
}
