// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.anvil.ClientEvent;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   The per-client request rate limits of one session, counted in the listener's anvil
 *           as Postfix's smtpd does: MAIL, RCPT and VRFY, AUTH, and new TLS sessions.
 * DESCRIPTION
 *   Each check counts the request (whether or not it will be accepted) when its limit is set,
 *   and answers Postfix's refusal once the client's count in the current anvil_rate_time_unit
 *   passes the limit, with Postfix's warning ("Message delivery request rate limit exceeded: 11
 *   from host[addr] for service smtp"). STARTTLS asks for the new-session rate without counting;
 *   the handshake that follows counts the session unless it resumed an earlier one, and a client
 *   over the limit then gets 421 and the session ends (the CPU is spent, but the next STARTTLS is
 *   refused before its handshake). Clients without an address, XCLIENT-authorized hosts and
 *   smtpd_client_event_limit_exceptions are not counted at all, as in Postfix.
 * SECURITY  The client is the one being limited; its address is the anvil key (or its network,
 *           see {@link org.postern.core.anvil.AnvilRange}).
 * CONFIGURATION PARAMETERS  smtpd_client_message_rate_limit, smtpd_client_recipient_rate_limit,
 *           smtpd_client_auth_rate_limit, smtpd_client_new_tls_session_rate_limit (all 0: no
 *           limit), anvil_rate_time_unit (60s), smtpd_client_event_limit_exceptions ($mynetworks),
 *           smtpd_client_ipv4_prefix_length (32), smtpd_client_ipv6_prefix_length (84).
 * SEE ALSO  Postfix smtpd.c (mail_cmd, rcpt_cmd, vrfy_cmd, smtpd_sasl_auth_cmd_wrapper,
 *           starttls_cmd, smtpd_start_tls), anvil(8).
 */
final class ClientRateLimits {

    private final SmtpSession s;

    ClientRateLimits(SmtpSession session) {
        this.s = session;
    }

    /** The client is not counted (no address, XCLIENT-authorized, an event limit exception). */
    boolean exempt() {
        ClientIdentity client = s.client;
        return client.ip() == null || client.xclientAllowed() || s.st.eventLimitExceptions().matches(client.ip());
    }

    /** The client's anvil key: its address, or its network with a shorter prefix length. */
    String anvilKey() {
        return s.st.eventRates().range().of(s.client.ip());
    }

    /** MAIL FROM: 450 4.7.1 once smtpd_client_message_rate_limit is exceeded, else null. */
    SmtpReply mail() {
        return over(ClientEvent.MESSAGE, "Message delivery request rate limit exceeded")
                ? SmtpdReplies.tooMuchMail(s.client.address()) : null;
    }

    /** RCPT TO and VRFY: 450 4.7.1 once smtpd_client_recipient_rate_limit is exceeded, else null. */
    SmtpReply recipient() {
        return over(ClientEvent.RECIPIENT, "Recipient address rate limit exceeded")
                ? SmtpdReplies.tooManyRecipientsFrom(s.client.address()) : null;
    }

    /** AUTH, before any other check: 450 4.7.1 once smtpd_client_auth_rate_limit is exceeded, else null. */
    SmtpReply auth() {
        return over(ClientEvent.AUTH, "AUTH command rate limit exceeded")
                ? SmtpdReplies.tooManyAuthCommands(s.client.address()) : null;
    }

    /** STARTTLS, before the handshake: 454 4.7.0 while the client is over its new-session rate, else null. */
    SmtpReply startTls() {
        int limit = s.st.eventRates().newTlsSessions();
        if (limit <= 0 || exempt()) {
            return null;
        }
        int rate = s.cx.anvil().rate(s.cx.service(), anvilKey(), ClientEvent.NEW_TLS_SESSION, s.st.anvilRateTimeUnit());
        if (rate <= limit) {
            return null;
        }
        s.log.warn("Refusing STARTTLS request from " + s.log.client() + " for service " + s.cx.service());
        return SmtpdReplies.tooManyNewTlsSessions(s.log.client());
    }

    /**
     * A TLS handshake completed: a new (not resumed) session counts; 421 (the session ends)
     * once smtpd_client_new_tls_session_rate_limit is exceeded, else null.
     */
    SmtpReply tlsSession(boolean resumed) {
        if (resumed || !over(ClientEvent.NEW_TLS_SESSION, "New TLS session rate limit exceeded")) {
            return null;
        }
        return SmtpdReplies.tooManyNewTlsSessionsBye(s.st.myhostname(), s.log.client());
    }

    /** Counts {@code event} when it is limited; true (and the warning logged) when the limit is exceeded. */
    private boolean over(ClientEvent event, String what) {
        int limit = s.st.eventRates().limit(event);
        if (limit <= 0 || exempt()) {
            return false;
        }
        int rate = s.cx.anvil().count(s.cx.service(), anvilKey(), event, s.st.anvilRateTimeUnit());
        if (rate <= limit) {
            return false;
        }
        s.log.warn(what + ": " + rate + " from " + s.log.client() + " for service " + s.cx.service());
        return true;
    }
}
