// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

/**
 * The client requests anvil(8) counts per time unit besides connections, each with its
 * smtpd limit.
 */
public enum ClientEvent {
    /** MAIL FROM, accepted or not: smtpd_client_message_rate_limit. */
    MESSAGE,
    /** RCPT TO and VRFY, accepted or not: smtpd_client_recipient_rate_limit. */
    RECIPIENT,
    /** A TLS handshake that did not resume a session: smtpd_client_new_tls_session_rate_limit. */
    NEW_TLS_SESSION,
    /** AUTH, successful or not: smtpd_client_auth_rate_limit. */
    AUTH
}
