// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.support.LogText;

/**
 * SUMMARY   One delivery request: a cached session first, then each endpoint of the nexthop
 *           in order until every recipient has a final answer (the host of the cached
 *           session is not asked again in the same request).
 * DESCRIPTION
 *   Recipients that get a final answer (2xx, 5xx) are done; recipients deferred by a host
 *   (4xx, 421, lost connection) stay open and go to the next host, as Postfix's smtp(8)
 *   does with backup MX hosts; whatever is still open at the end is deferred with the last
 *   reason. Limits: smtp_mx_session_limit sessions that complete the handshake,
 *   smtp_connect_timeout per connect and smtp_connect_timeout_budget for the time spent in
 *   failed connects across all hosts. A TLS handshake failure at level may is retried once
 *   in plaintext on the same address. Clean sessions go to the connection cache.
 *   With smtp_sasl_auth_enable = yes each new session authenticates after EHLO
 *   ({@link SmtpAuthenticator}). With smtp_sender_dependent_authentication the sender's
 *   credentials are looked up before the cache is asked, and their username is part of the
 *   cache key, so that a session logged in for one account never carries another's mail.
 *   The destination's TLS (policy, DANE, MTA-STS, REQUIRETLS) is {@link DestinationTls}'s; an
 *   MX host that MTA-STS enforce does not allow is skipped; each TLS attempt is reported
 *   ({@link TlsAttemptReporter}).
 *   REQUIRETLS (RFC 8689), as smtp_requiretls_policy decides for the destination
 *   ({@link RequireTlsPolicy}): under enforce a message that asked for it goes only over TLS the
 *   policy authenticates (DANE, MTA-STS enforce, verify, secure, fingerprint) to a server that
 *   offers REQUIRETLS; under opportunistic+starttls only over TLS; a host that does not qualify
 *   is skipped and when no host qualifies the message is returned (5.7.10). REQUIRETLS goes on
 *   MAIL FROM whenever the TLS session offers it, except under disable.
 *   "TLS-Required: no" in a message without REQUIRETLS turns DANE and MTA-STS off for it.
 * SECURITY  Logs untrusted replies through LogText.
 */
final class DeliveryAttempt {

    /** RFC 8689 section 5: the message could not be sent with REQUIRETLS. */
    static final String REQUIRETLS_DSN = "5.7.10";
    /** {@link SmtpSession}'s status for a host that does not offer (or refuses) STARTTLS when TLS is required. */
    private static final String STARTTLS_MISSING_DSN = "4.7.4";

    private final SmtpClient client;
    private final DeliveryRequest request;
    /** Final once {@link #run} applied the destination's TLS policy. */
    private ClientSettings settings;
    /** The destination's TLS, set by {@link #run}. */
    private DestinationTls tls;
    private TlsAttemptReporter reporter;
    private final List<Recipient> recipients;
    private final List<Recipient> pending;
    private final Map<Recipient, RecipientResult> done = new LinkedHashMap<>();
    private final Map<Recipient, RecipientResult> deferred = new HashMap<>();
    private SessionFailure lastFailure;
    private String lastRelay = "none";
    private int sessions;
    private Endpoint reused;
    /** Null unless smtp_sasl_auth_enable = yes. */
    private SmtpAuthenticator authenticator;

    DeliveryAttempt(SmtpClient client, DeliveryRequest request) {
        this.client = client;
        this.request = request;
        this.settings = ClientSettings.of(client.protocol(), request.settings());
        this.recipients = request.recipients().stream().distinct().toList();
        this.pending = new ArrayList<>(recipients);
    }

    DeliveryResult run() {
        String destination = request.nexthop().isBlank() && !recipients.isEmpty()
                ? Nexthop.domainOf(recipients.get(0).address()) : request.nexthop();
        Nexthop nexthop;
        try {
            nexthop = Nexthop.parse(destination, client.protocol());
        } catch (IllegalArgumentException e) {
            return finish(Outcome.DEFERRED, "4.3.5", "mail transport unavailable: " + e.getMessage());
        }
        try {
            tls = DestinationTls.of(client, request, destination, nexthop);
        } catch (DestinationTls.Unusable e) {
            return finish(Outcome.DEFERRED, TlsPolicy.UNSUPPORTED_DSN, e.getMessage());
        }
        settings = settings.withTlsLevel(tls.level());
        tls.applyMtaSts(client, request, nexthop);
        OutgoingMessage message;
        try {
            message = OutgoingMessage.of(request, GenericMaps.of(client.protocol(), request.settings(), client::registry));
        } catch (ClientTables.Failure e) {
            return finish(Outcome.DEFERRED, "4.3.0", e.getMessage());
        } catch (IOException e) {
            client.log().warn("warning: {}: cannot read message content: {}", request.queueId(), e.toString());
            return finish(Outcome.DEFERRED, "4.3.0", "error reading the queued message");
        }
        try {
            tls.applyMessage(client, message, request, nexthop);
        } catch (DestinationTls.Unusable e) {
            return finish(Outcome.DEFERRED, "4.3.0", e.getMessage());
        }
        reporter = tls.reporter(client);
        SaslSettings sasl = SaslSettings.of(client.protocol(), request.settings());
        String saslLabel = "";
        if (sasl.enabled()) {
            if (sasl.passwordMaps().isEmpty()) {
                client.log().warn("warning: specify a password table via the `{}' configuration parameter",
                        sasl.passwordMapsParameter());
                return finish(Outcome.DEFERRED, "4.3.5", "mail transport unavailable");
            }
            SaslPasswords passwords = new SaslPasswords(sasl.passwordMapsParameter(), sasl.passwordMaps(),
                    client::registry, client.log());
            SaslCredentials bySender = null;
            if (sasl.senderDependent()) {
                try {
                    bySender = passwords.forSender(request.sender()).orElse(null);
                } catch (ClientTables.Failure e) {
                    return finish(Outcome.DEFERRED, "4.3.0", "table lookup failure");
                }
            }
            // a session authenticated for one account must never carry mail for another
            saslLabel = " sasl=" + (bySender == null ? "" : bySender.username());
            authenticator = new SmtpAuthenticator(sasl, passwords, bySender, destination.strip(), client.log());
        }
        // a session set up under a weaker TLS policy must never carry mail that asks for a stronger one
        String cacheKey = client.protocol().agentName() + ":" + request.service() + ":" + destination.toLowerCase(Locale.ROOT)
                + saslLabel + tls.cacheLabel();

        SmtpSession cached = client.cache().take(cacheKey, settings);
        if (cached != null) {
            if (cached.reset()) {
                sessions++;
                reused = cached.endpoint();
                transact(cached, message);
            } else {
                cached.close();
            }
        }
        if (!pending.isEmpty()) {
            DestinationResolver.Resolution resolution = new DestinationResolver(client.dns(), settings, tls.dnsSupport())
                    .resolve(nexthop);
            if (resolution instanceof DestinationResolver.Resolution.Failure f) {
                return finish(f.permanent() ? Outcome.BOUNCED : Outcome.DEFERRED, f.dsnStatus(), f.diagnostic());
            }
            tryEndpoints(((DestinationResolver.Resolution.Endpoints) resolution).endpoints(), message, cacheKey);
        }
        if (lastFailure != null) {
            // RFC 8689 section 4.2.1: a REQUIRETLS message that no host could take is returned
            return finish(lastFailure.dsnStatus().equals(REQUIRETLS_DSN) ? Outcome.BOUNCED : Outcome.DEFERRED,
                    lastFailure.dsnStatus(), lastFailure.diagnostic());
        }
        return finish(Outcome.DEFERRED, "4.4.1", "no mail exchanger for " + destination + " could be tried");
    }

    private void tryEndpoints(List<Endpoint> endpoints, OutgoingMessage message, String cacheKey) {
        Duration budget = settings.connectBudget();
        long spentNanos = 0;
        for (Endpoint endpoint : endpoints) {
            if (pending.isEmpty() || (settings.mxSessionLimit() > 0 && sessions >= settings.mxSessionLimit())) {
                return;
            }
            if (endpoint.equals(reused)) {
                continue;                       // it just answered on the cached connection
            }
            String stsRefusal = tls.stsRefusal(endpoint).orElse(null);
            if (stsRefusal != null) {
                reporter.stsRefused(endpoint, stsRefusal);
                lastFailure = SessionFailure.soft("4.7.5", stsRefusal);
                lastRelay = endpoint.relay();
                client.log().info("{}: {}", request.queueId(), lastFailure.diagnostic());
                continue;
            }
            Duration timeout = settings.connectTimeout();
            if (!budget.isZero()) {
                Duration remaining = budget.minusNanos(spentNanos);
                if (remaining.isNegative() || remaining.isZero()) {
                    client.log().info("{}: smtp_connect_timeout_budget of {}s used up; not trying {}",
                            request.queueId(), budget.toSeconds(), endpoint);
                    return;
                }
                timeout = timeout.isZero() || timeout.compareTo(remaining) > 0 ? remaining : timeout;
            }
            long started = System.nanoTime();
            SmtpSession session = open(endpoint, timeout, cacheKey);
            if (session == null) {
                spentNanos += System.nanoTime() - started;
                if (lastFailure.permanent()) {
                    pending.forEach(r -> done.put(r, result(r, Outcome.BOUNCED, lastFailure.dsnStatus(),
                            lastFailure.diagnostic(), endpoint.relay())));
                    pending.clear();
                    return;
                }
                continue;
            }
            sessions++;
            transact(session, message);
        }
    }

    private SmtpSession open(Endpoint endpoint, Duration connectTimeout, String cacheKey) {
        boolean allowTls = true;
        while (true) {
            EndpointTls endpointTls;
            try {
                endpointTls = tls.forEndpoint(endpoint);
            } catch (EndpointTlsPolicy.Refused refused) {
                if (refused.type() != null) {
                    reporter.refused(endpoint, refused.policyType(), refused.type(), refused.getMessage());
                }
                lastFailure = refused.failure();
                lastRelay = endpoint.relay();
                client.log().info("{}: {}", request.queueId(), LogText.printable(lastFailure.diagnostic()));
                return null;
            }
            RequireTlsPolicy.Action requireTls = tls.requireTls().orElse(null);
            if (requireTls == RequireTlsPolicy.Action.ENFORCE && !endpointTls.authenticated()) {
                lastFailure = SessionFailure.soft(REQUIRETLS_DSN, "REQUIRETLS: the TLS policy for " + endpoint
                        + " does not authenticate the server (no DANE, MTA-STS or verified TLS)");
                lastRelay = endpoint.relay();
                client.log().info("{}: {}", request.queueId(), lastFailure.diagnostic());
                return null;
            }
            try {
                SmtpSession session = SmtpSession.open(endpoint, settings, connectTimeout, allowTls, client.watchdog(),
                        endpointTls, reporter.listenerFor(endpointTls), cacheKey, client.log());
                if (requireTls != null && !session.features().requireTls()) {
                    if (requireTls == RequireTlsPolicy.Action.ENFORCE) {
                        session.quit();
                        throw new SessionFailure.Exception(SessionFailure.soft(REQUIRETLS_DSN,
                                "REQUIRETLS is required, but was not offered by host " + endpoint));
                    }
                    client.log().info("{}: REQUIRETLS ({}) not offered by host {}: sending without it",
                            request.queueId(), requireTls.word(), endpoint);
                }
                if (authenticator != null) {
                    try {
                        authenticator.authenticate(session);
                    } catch (SessionFailure.Exception e) {
                        session.quit();
                        throw e;
                    }
                }
                return session;
            } catch (SessionFailure.Exception e) {
                lastFailure = e.failure();
                lastRelay = endpoint.relay();
                if (requireTls != null && requireTls.requiresTls() && lastFailure.dsnStatus().equals(STARTTLS_MISSING_DSN)) {
                    // RFC 8689 section 4.2.1: a host without STARTTLS is no host for this message
                    lastFailure = SessionFailure.soft(REQUIRETLS_DSN, "REQUIRETLS: " + lastFailure.diagnostic());
                }
                String refused = tls.stsRefusedCertificate(endpoint).orElse(null);
                if (refused != null) {
                    lastFailure = new SessionFailure(false, lastFailure.dsnStatus(), refused, false);
                }
                client.log().info("{}: {}", request.queueId(), LogText.printable(lastFailure.diagnostic()));
                if (!lastFailure.tlsHandshake() || !allowTls) {
                    return null;
                }
                allowTls = false;
            }
        }
    }

    private void transact(SmtpSession session, OutgoingMessage message) {
        Map<Recipient, RecipientResult> results = new MailTransaction(session, settings, message,
                tls.requireTls().map(RequireTlsPolicy.Action::requests).orElse(false) && session.encrypted())
                .run(List.copyOf(pending));
        for (RecipientResult r : results.values()) {
            if (r.outcome() == Outcome.DEFERRED) {
                deferred.put(r.recipient(), r);
            } else {
                done.put(r.recipient(), r);
                pending.remove(r.recipient());
            }
        }
        if (session.usable()) {
            client.cache().offer(session, settings);
        } else {
            session.close();
        }
    }

    /**
     * Every recipient's result: final ones, then the last deferral, then the given fallback.
     * The queue manager logs Postfix's "to=<...>, relay=..., status=..." line of each.
     */
    private DeliveryResult finish(Outcome outcome, String dsn, String diagnostic) {
        List<RecipientResult> out = new ArrayList<>();
        for (Recipient r : recipients) {
            RecipientResult result = done.get(r);
            if (result == null) {
                result = deferred.get(r);
            }
            if (result == null) {
                result = result(r, outcome, dsn, diagnostic, lastRelay);
            }
            out.add(result);
        }
        return new DeliveryResult(out);
    }

    private RecipientResult result(Recipient r, Outcome outcome, String dsn, String diagnostic, String relay) {
        return new RecipientResult(r, outcome, dsn, diagnostic, relay);
    }

}
