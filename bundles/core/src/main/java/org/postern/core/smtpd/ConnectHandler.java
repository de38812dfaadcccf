// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.SocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.postern.core.anvil.Anvil;
import org.postern.core.config.PostfixLists;
import org.postern.core.smtpd.codec.BareNewlinePolicy;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   From the accepted connection to the 220 greeting: client hostname lookup, the
 *           per-client settings, the anvil count, the CONNECT restrictions.
 * DESCRIPTION
 *   The hostname lookup (PTR, then forward confirmation, see {@link ClientHostname}) runs on the
 *   blocking executor with smtpd_peername_lookup's time limit; a lookup that fails or times out
 *   leaves "unknown" (with a temporary status). A CONNECT refusal replaces the greeting and
 *   answers every later command but QUIT. XCLIENT runs the second half again ({@link #reconnect}).
 * SECURITY  The client is not trusted: nothing it sends is read before the greeting; input
 *           sent before it is improper pipelining ({@link PipeliningGuard}): logged, and the
 *           client disconnected with smtpd_forbid_unauth_pipelining = yes.
 * CONFIGURATION PARAMETERS  smtpd_peername_lookup, smtpd_authorized_xclient_hosts,
 *           smtpd_authorized_xforward_hosts, smtpd_forbid_bare_newline(_exclusions),
 *           smtpd_discard_ehlo_keyword_address_maps, smtpd_forbid_unauth_pipelining,
 *           smtpd_client_connection_count_limit,
 *           smtpd_client_connection_rate_limit, smtpd_client_event_limit_exceptions,
 *           anvil_rate_time_unit, smtpd_banner.
 */
final class ConnectHandler {

    private final SmtpSession s;
    /** The anvil key counted at connect, released at disconnect or when XCLIENT replaces the client. */
    private String countedAs;

    ConnectHandler(SmtpSession session) {
        this.s = session;
    }

    /** The connection is accepted: look the client up (unless configured not to), then greet. */
    void start(SocketAddress remote) {
        s.client.connectedFrom(remote);
        if (s.cx.dns() == null || s.client.ip() == null || !s.st.peernameLookup()) {
            // No lookup: the name stays "unknown" with a permanent status, as Postfix's smtpd_peername_lookup = no.
            connected();
            return;
        }
        lookUpClientName();
    }

    /**
     * The client hostname lookup (PTR, then forward confirmation) on the blocking executor, with
     * a time limit; a lookup that takes too long leaves "unknown" with a temporary status.
     */
    private void lookUpClientName() {
        String address = s.client.address();
        boolean[] done = new boolean[1];
        ScheduledFuture<?> timer = s.ctx().executor().schedule(() -> {
            if (!done[0]) {
                done[0] = true;
                s.log.warn("hostname lookup for " + address + " timed out after "
                        + s.cx.dnsTimeout().toMillis() + "ms");
                s.client.lookupTimedOut();
                afterLookup();
            }
        }, s.cx.dnsTimeout().toMillis(), TimeUnit.MILLISECONDS);
        s.async(() -> {
            try {
                return ClientHostname.lookup(s.cx.dns(), address);
            } catch (RuntimeException e) {
                s.log.warn("hostname lookup for " + address + " failed: " + e);
                return ClientHostname.Names.unknown(ClientHostname.Status.TEMP);
            }
        }, names -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            timer.cancel(false);
            for (String w : names.warnings()) {
                s.log.warn(w);
            }
            s.client.named(names);
            afterLookup();
        });
    }

    private void afterLookup() {
        if (s.closing() || !s.ctx().channel().isActive()) {
            return;
        }
        connected();
    }

    /** The client is known: log it, apply the per-client settings and limits, then greet. */
    private void connected() {
        s.log.info("connect from " + s.log.client());
        s.client.authorize(s.st);
        applyClientPolicies();
        if (!countConnection()) {
            return;
        }
        lookUpEhloDiscards(() -> greet("CONNECT"));
    }

    /** XCLIENT replaced the client: its policies and limits apply, and it is greeted anew. */
    void reconnect() {
        applyClientPolicies();
        if (!countConnection()) {
            return;
        }
        greet("XCLIENT");
    }

    /** The session ended: the anvil forgets the connection. */
    void release() {
        if (countedAs != null) {
            s.cx.anvil().disconnect(s.cx.service(), countedAs);
            countedAs = null;
        }
    }

    /** smtpd_discard_ehlo_keyword_address_maps for this client, looked up off the event loop. */
    private void lookUpEhloDiscards(Runnable then) {
        s.extensions.discard(s.st.discardEhloKeywords());
        if (!s.cx.checks().hasEhloDiscardMaps() || s.client.ip() == null) {
            then.run();
            return;
        }
        String address = s.client.address();
        s.async(() -> s.cx.checks().ehloDiscardFor(address), words -> {
            words.ifPresent(w -> s.extensions.discard(EhloKeywords.parse(PostfixLists.split(w))));
            then.run();
        });
    }

    /** smtpd_forbid_bare_newline_exclusions for the current client. */
    private void applyClientPolicies() {
        boolean excluded = s.client.ip() != null && s.st.bareNewlineExclusions().matches(s.client.ip());
        s.decoder.setPolicy(excluded ? BareNewlinePolicy.NO : s.st.bareNewline());
    }

    /**
     * Counts the connection in the anvil (not for XCLIENT-authorized clients and the
     * event limit exceptions, as Postfix); false when a limit is exceeded and the session closes.
     */
    private boolean countConnection() {
        release();
        ClientIdentity client = s.client;
        if (s.rates.exempt()) {
            return true;
        }
        countedAs = s.rates.anvilKey();
        Anvil.Counts counts = s.cx.anvil().connect(s.cx.service(), countedAs, s.st.anvilRateTimeUnit());
        String exceeded = null;
        int n = 0;
        if (s.st.connectionCountLimit() > 0 && counts.count() > s.st.connectionCountLimit()) {
            exceeded = "Connection concurrency limit exceeded";
            n = counts.count();
        } else if (s.st.connectionRateLimit() > 0 && counts.rate() > s.st.connectionRateLimit()) {
            exceeded = "Connection rate limit exceeded";
            n = counts.rate();
        }
        if (exceeded != null) {
            s.log.warn(exceeded + ": " + n + " from " + s.log.client() + " for service " + s.cx.service());
            s.close(SmtpdReplies.tooManyConnections(s.st.myhostname(), client.address()));
            return false;
        }
        return true;
    }

    /**
     * The CONNECT restrictions, then the greeting (or the refusal that replaces it); reads on. A
     * client that talked before the greeting is a spam bot, not an SMTP client: with
     * smtpd_forbid_unauth_pipelining it is not greeted at all.
     */
    private void greet(String after) {
        s.check(SmtpStage.CONNECT, null, 0, result -> {
            if (after.equals("CONNECT") && s.pipelining.hangsUpBeforeGreeting()) {
                s.close(SmtpdReplies.PROTOCOL_SYNCHRONIZATION);
                return;
            }
            s.log.warnings(result, "CONNECT", null);
            if (!result.accepted()) {
                s.accessDenied(result.reply());
                s.log.reject("CONNECT", result.reply(), null);
                s.send(result.reply());
            } else if (s.milters.sessionRefused()) {
                // As Postfix: the session goes on, and MAIL gets the filter's refusal.
                s.send(SmtpdReplies.notAcceptingConnections(s.st.myhostname()));
            } else {
                s.send(SmtpdReplies.greeting(s.st.banner()));
            }
            s.readOn();
        });
    }
}
