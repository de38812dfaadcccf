// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.anvil.AnvilRange;
import org.postern.core.anvil.ClientEvent;
import org.postern.core.config.PostfixConfig;

/**
 * The per-client request rate limits of one smtpd service (0: no limit), per
 * anvil_rate_time_unit, and how anvil groups clients (Postfix 3.8's prefix lengths).
 *
 * @param messages       smtpd_client_message_rate_limit (0)
 * @param recipients     smtpd_client_recipient_rate_limit (0)
 * @param newTlsSessions smtpd_client_new_tls_session_rate_limit (0)
 * @param auths          smtpd_client_auth_rate_limit (0)
 * @param range          smtpd_client_ipv4_prefix_length (32), smtpd_client_ipv6_prefix_length (84)
 */
record EventRateLimits(int messages, int recipients, int newTlsSessions, int auths, AnvilRange range) {

    static EventRateLimits from(PostfixConfig c) {
        return new EventRateLimits(
                c.integer("smtpd_client_message_rate_limit"),
                c.integer("smtpd_client_recipient_rate_limit"),
                c.integer("smtpd_client_new_tls_session_rate_limit"),
                c.integer("smtpd_client_auth_rate_limit"),
                new AnvilRange(c.integer("smtpd_client_ipv4_prefix_length"),
                        c.integer("smtpd_client_ipv6_prefix_length")));
    }

    /** The limit on {@code event} per time unit; 0 when there is none. */
    int limit(ClientEvent event) {
        return switch (event) {
            case MESSAGE -> messages;
            case RECIPIENT -> recipients;
            case NEW_TLS_SESSION -> newTlsSessions;
            case AUTH -> auths;
        };
    }
}
