// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.transport.smtp.sts.StsDecision;

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
 *   MTA-STS ({@link #applyMtaSts}): for an MX-routed domain without a policy table entry, an
 *   enforced policy skips MX hosts that match none of its patterns and requires TLS verified by
 *   the WebPKI; a policy in mode testing only logs what enforce would refuse.
 * SECURITY  Logs untrusted replies through LogText.
 */
final class DeliveryAttempt {

    private final SmtpClient client;
    private final DeliveryRequest request;
    /** Final once {@link #run} applied the destination's TLS policy. */
    private ClientSettings settings;
    /** The destination's TLS level applied to each endpoint; set by {@link #applyTlsPolicy}. */
    private EndpointTlsPolicy endpointTls;
    private DnsSupport dnsSupport;
    /** The recipient domain (the host for a "[host]" nexthop) that TLSRPT reports under. */
    private String policyDomain = "";
    /** The level and effective TLS settings: a cached session is reused only under the same. */
    private String tlsLabel;
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
    /** Whether smtp_tls_policy_maps had an entry for the destination (it wins over MTA-STS). */
    private boolean policyFromTable;
    /** The MTA-STS decision for the nexthop domain; null when MTA-STS does not apply. */
    private StsDecision sts;

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
        String refused = applyTlsPolicy(destination, nexthop);
        if (refused != null) {
            return finish(Outcome.DEFERRED, TlsPolicy.UNSUPPORTED_DSN, refused);
        }
        applyMtaSts(nexthop);
        OutgoingMessage message;
        try {
            message = OutgoingMessage.of(request, GenericMaps.of(client.protocol(), request.settings(), client::registry));
        } catch (ClientTables.Failure e) {
            return finish(Outcome.DEFERRED, "4.3.0", e.getMessage());
        } catch (IOException e) {
            client.log().warn("warning: {}: cannot read message content: {}", request.queueId(), e.toString());
            return finish(Outcome.DEFERRED, "4.3.0", "error reading the queued message");
        }
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
                + saslLabel + " tls=" + tlsLabel + (sts == null ? "" : sts.cacheLabel());

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
            DestinationResolver.Resolution resolution = new DestinationResolver(client.dns(), settings, dnsSupport)
                    .resolve(nexthop);
            if (resolution instanceof DestinationResolver.Resolution.Failure f) {
                return finish(f.permanent() ? Outcome.BOUNCED : Outcome.DEFERRED, f.dsnStatus(), f.diagnostic());
            }
            tryEndpoints(((DestinationResolver.Resolution.Endpoints) resolution).endpoints(), message, cacheKey);
        }
        if (lastFailure != null) {
            return finish(Outcome.DEFERRED, lastFailure.dsnStatus(), lastFailure.diagnostic());
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
            String stsRefusal = sts == null || settings.tlsLevel() == ClientSettings.TlsLevel.DANE ? null
                    : sts.refusal(endpoint.hostname()).orElse(null);
            if (stsRefusal != null) {
                report(endpoint, stsReported(), "", "", Optional.of(FailureType.VALIDATION_FAILURE), stsRefusal);
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

    /**
     * The destination's TLS policy (smtp_tls_policy_maps, else smtp_tls_security_level) and
     * trust anchors into {@link #settings} and {@link #endpointTls}; the deferral text when it cannot be
     * carried out, null otherwise.
     */
    private String applyTlsPolicy(String destination, Nexthop nexthop) {
        ClientParameters d = ClientParameters.of(client.protocol());
        try {
            dnsSupport = DnsSupport.of(client.protocol(), request.settings());
            TlsPolicy configured = ClientSettings.configuredTls(client.protocol(), request.settings());
            TlsPolicy policy = TlsPolicy.forDestination(request.settings().list(d.tlsPolicyMaps), destination,
                    client::registry, configured);
            policyFromTable = policy != configured;     // forDestination returns configured itself without an entry
            if (!policy.supported()) {
                client.log().warn("warning: {}: TLS policy for {}: {}", request.queueId(),
                        LogText.printable(destination), policy.unsupported());
                return policy.unsupported();
            }
            settings = settings.withTlsLevel(policy.level());
            if ((policy.level() == ClientSettings.TlsLevel.DANE || policy.level() == ClientSettings.TlsLevel.DANE_ONLY)
                    && !dnsSupport.dnssec()) {
                client.log().warn("warning: {}: TLS policy \"{}\" for {} requires smtp_dns_support_level = dnssec",
                        request.queueId(), policy.level() == ClientSettings.TlsLevel.DANE ? "dane" : "dane-only",
                        LogText.printable(destination));
            }
            String domain = nexthop.kind() == Nexthop.Kind.UNIX ? "" : nexthop.host();
            TlsSettings tlsSettings = TlsSettings.of(client.protocol(), request.settings(), policy);
            endpointTls = new EndpointTlsPolicy(client.dns(), dnsSupport, client.tls(), tlsSettings, domain);
            tlsLabel = policy.level() + " " + tlsSettings;
            policyDomain = domain.toLowerCase(Locale.ROOT);
            return null;
        } catch (ClientTables.Failure e) {
            client.log().warn("warning: {}: {}", request.queueId(), e.getMessage());
            return "TLS policy lookup failure";
        }
    }

    /**
     * MTA-STS for an MX-routed domain (not a [host] nexthop) without a smtp_tls_policy_maps
     * entry, which wins. Enforce: level verify with the policy's WebPKI check; testing: the
     * opportunistic context is replaced by one that logs what enforce would refuse.
     * DANE is to win over MTA-STS where both exist: its decision comes first.
     */
    private void applyMtaSts(Nexthop nexthop) {
        if (client.sts() == null || policyFromTable || nexthop.kind() != Nexthop.Kind.MX_DOMAIN
                || IpAddresses.parse(nexthop.host()) != null) {
            return;
        }
        ClientSettings.TlsLevel level = settings.tlsLevel();
        if (level != ClientSettings.TlsLevel.MAY && level != ClientSettings.TlsLevel.ENCRYPT
                && level != ClientSettings.TlsLevel.DANE) {
            return;                 // none, or a level at least as strong, chosen by the administrator
        }
        sts = client.sts().decide(nexthop.host(), request.settings());
        endpointTls.mtaSts(sts);
    }

    /** What MTA-STS counts a session under: the policy, or none when it could not be had. */
    private EndpointTls.ReportedPolicy stsReported() {
        return sts.policy().map(p -> new EndpointTls.ReportedPolicy(PolicyType.STS, p.policyStrings(), p.mxPatterns()))
                .orElse(new EndpointTls.ReportedPolicy(PolicyType.STS, List.of(), List.of()));
    }

    private SmtpSession open(Endpoint endpoint, Duration connectTimeout, String cacheKey) {
        boolean allowTls = true;
        while (true) {
            EndpointTls tls;
            try {
                tls = endpointTls.forEndpoint(settings.tlsLevel(), endpoint);
            } catch (EndpointTlsPolicy.Refused refused) {
                if (refused.type() != null) {
                    report(endpoint, new EndpointTls.ReportedPolicy(refused.policyType(), List.of(), List.of()), "", "",
                            Optional.of(refused.type()), refused.getMessage());
                }
                lastFailure = refused.failure();
                lastRelay = endpoint.relay();
                client.log().info("{}: {}", request.queueId(), LogText.printable(lastFailure.diagnostic()));
                return null;
            }
            try {
                TlsAttemptListener attempts = (ep, helo, local, failure, reason) -> attempted(ep, tls, helo, local,
                        failure, reason);
                SmtpSession session = SmtpSession.open(endpoint, settings, connectTimeout, allowTls, client.watchdog(),
                        tls, attempts, cacheKey, client.log());
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
                if (sts != null) {
                    String refused = sts.refusedCertificate(endpoint.hostname(), endpoint.relay()).orElse(null);
                    if (refused != null) {
                        lastFailure = new SessionFailure(false, lastFailure.dsnStatus(), refused, false);
                    }
                }
                client.log().info("{}: {}", request.queueId(), LogText.printable(lastFailure.diagnostic()));
                if (!lastFailure.tlsHandshake() || !allowTls) {
                    return null;
                }
                allowTls = false;
            }
        }
    }

    /** One TLS attempt to the sinks; the RFC 8460 facts of this delivery and endpoint. */
    private void report(Endpoint endpoint, EndpointTls.ReportedPolicy policy, String helo, String local,
                        Optional<FailureType> failure, String reason) {
        if (!client.reports().wanted() || endpoint.isUnix()) {
            return;
        }
        client.reports().report(new TlsSessionResult(Instant.now(), policyDomain, policy.type(), policy.strings(),
                policy.mxHosts(), endpoint.hostname(), helo, endpoint.addressText(), local, failure, reason), client.log());
    }

    /**
     * One TLS attempt under {@code tls}'s policy. Under MTA-STS in mode testing a certificate
     * that enforce would refuse counts as that failure, though the mail went; a domain whose
     * announced policy could not be had counts the session as that failure (RFC 8460 section
     * 4.3.2.3).
     */
    private void attempted(Endpoint endpoint, EndpointTls tls, String helo, String local, Optional<FailureType> failure,
                           String reason) {
        EndpointTls.ReportedPolicy policy = tls.policy();
        Optional<FailureType> result = failure;
        String why = reason;
        Optional<FailureType> stsCheck = sts == null ? Optional.empty() : sts.certificateFailure(endpoint.hostname());
        if (policy.type() == PolicyType.STS && stsCheck.isPresent()) {
            why = result.isEmpty() ? "mode testing: enforce would refuse the certificate" : why;
            result = stsCheck;          // the policy's own check knows why better than the handshake's exception
        } else if (sts != null && !sts.active() && sts.discoveryFailure().isPresent()
                && policy.type() == PolicyType.NO_POLICY_FOUND) {
            policy = stsReported();
            result = sts.discoveryFailure();
            why = sts.discoveryReason();
        }
        report(endpoint, policy, helo, local, result, why);
    }

    private void transact(SmtpSession session, OutgoingMessage message) {
        Map<Recipient, RecipientResult> results = new MailTransaction(session, settings, message).run(List.copyOf(pending));
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
