// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.postern.api.support.LogText;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.slf4j.Logger;

/**
 * SUMMARY   What MTA-STS asks of one delivery to one policy domain, and what happened.
 * DESCRIPTION
 *   Made by {@link MtaSts#decide}. With no policy (or mode none) it asks nothing. In mode
 *   enforce: only MX hosts matching the policy's patterns ({@link #refusal}), TLS required with
 *   a WebPKI-valid certificate for the MX host ({@link #socketFactory}, at level verify); the
 *   caller defers what fails. In mode testing: nothing is refused, but what enforce would
 *   refuse is logged ("MTA-STS policy for DOMAIN (mode testing): ... mode enforce would ...").
 *   The caller reports each session's end ({@link #sessionEnded}); the results are RFC 8460
 *   {@link TlsSessionResult}s for the TlsReportSink services ({@link #results}): success, the
 *   certificate's failure type, starttls-not-supported, validation-failure for an MX host that
 *   matches no pattern, and sts-policy-fetch-error / sts-policy-invalid / sts-webpki-invalid
 *   when the announced policy could not be had (policy strings then empty).
 *   One decision is one policy domain: MX hosts shared with other domains are judged by each
 *   domain's own decision.
 * SECURITY  MX host names come from DNS and are logged through LogText.
 */
public final class StsDecision {

    private record Check(FailureType failure, String reason) {
    }

    private final String domain;
    private final StsPolicy policy;
    private final Optional<TlsSessionResult.FailureType> discoveryFailure;
    private final String discoveryReason;
    private final boolean enforceMxPatterns;
    private final X509TrustManager pki;
    private final Logger log;
    private final Clock clock;
    private final Map<String, Check> checks = new ConcurrentHashMap<>();
    private final List<TlsSessionResult> results = new ArrayList<>();

    StsDecision(String domain, StsPolicy policy, FailureType discoveryFailure, String discoveryReason,
                boolean enforceMxPatterns, X509TrustManager pki, Logger log, Clock clock) {
        this.domain = domain;
        this.policy = policy;
        this.discoveryFailure = Optional.ofNullable(discoveryFailure);
        this.discoveryReason = discoveryReason;
        this.enforceMxPatterns = enforceMxPatterns;
        this.pki = pki;
        this.log = log;
        this.clock = clock;
    }

    /** No policy applies (MTA-STS off, no record, a [host] nexthop ...). */
    public static StsDecision none(String domain, Logger log) {
        return new StsDecision(domain, null, null, "", true, null, log, Clock.systemUTC());
    }

    public String domain() {
        return domain;
    }

    /** The policy in force, if any (mode none included). */
    public Optional<StsPolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /** Why no policy could be had although the domain announces one (fetch error, invalid policy). */
    public Optional<FailureType> discoveryFailure() {
        return discoveryFailure;
    }

    public String discoveryReason() {
        return discoveryReason;
    }

    public boolean enforce() {
        return policy != null && policy.mode() == StsPolicy.Mode.ENFORCE;
    }

    public boolean testing() {
        return policy != null && policy.mode() == StsPolicy.Mode.TESTING;
    }

    /** Enforce or testing: the delivery is watched (and in enforce, restricted). */
    public boolean active() {
        return enforce() || testing();
    }

    /**
     * For the connection cache key: sessions opened under one policy are not reused under
     * another (or under none).
     */
    public String cacheLabel() {
        return active() ? " sts=" + policy.mode().wireName() + "/" + Integer.toHexString(policy.text().hashCode())
                + (enforceMxPatterns ? "" : "/certificate-patterns") : "";
    }

    /**
     * Why this MX host must not be used (mode enforce, smtp_tls_enforce_sts_mx_patterns = yes,
     * no pattern matches); in mode testing the same is logged and nothing refused.
     */
    public Optional<String> refusal(String mxHost) {
        if (!active() || !enforceMxPatterns || policy.allows(mxHost)) {
            return Optional.empty();
        }
        String why = "MX host " + LogText.printable(mxHost) + " does not match the mx patterns of the MTA-STS policy for "
                + domain;
        if (testing()) {
            log.info("MTA-STS policy for {} (mode testing): {}; mode enforce would not deliver to it", domain, why);
            return Optional.empty();
        }
        record(mxHost, "", FailureType.VALIDATION_FAILURE, why);
        return Optional.of(why);
    }

    /**
     * The TLS context for this policy's MX hosts: in mode enforce it refuses certificates that are
     * not WebPKI-valid for the MX host (use it at level verify); in mode testing it accepts them
     * all and logs the ones enforce would refuse (use it in place of the opportunistic context).
     *
     * @throws IllegalStateException when no policy is active
     */
    public SSLSocketFactory socketFactory() {
        if (!active()) {
            throw new IllegalStateException("no active MTA-STS policy for " + domain);
        }
        StsTrustManager manager = new StsTrustManager(pki, enforce(), enforceMxPatterns, policy.mxPatterns(),
                (host, failure, reason) -> {
                    if (failure == null) {
                        checks.remove(host);
                        return;
                    }
                    checks.put(host, new Check(failure, reason));
                    if (testing()) {
                        log.info("MTA-STS policy for {} (mode testing): certificate of {}: {}; mode enforce would defer",
                                domain, LogText.printable(host), LogText.printable(reason));
                    }
                });
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {manager}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /**
     * A session with an MX host of this policy ended its handshake phase.
     *
     * @param tls        whether TLS is in use on it
     * @param failureDsn null when the session opened; else the enhanced status of its failure
     *                   ("4.7.4": TLS not offered, "4.7.5": handshake failed; others are not TLS
     *                   results and are not recorded)
     */
    public void sessionEnded(String mxHost, String mxAddress, boolean tls, String failureDsn) {
        if (!active()) {
            if (policy == null && discoveryFailure.isPresent() && failureDsn == null) {
                // delivered as without MTA-STS because the announced policy could not be had
                record(mxHost, mxAddress, discoveryFailure.get(), discoveryReason);
            }
            return;
        }
        Check check = checks.get(mxHost);
        if (failureDsn == null && tls) {
            if (check == null) {
                record(mxHost, mxAddress, null, "");
            } else {
                record(mxHost, mxAddress, check.failure(), check.reason());   // testing: delivered anyway
            }
            return;
        }
        if (failureDsn == null) {
            log.info("MTA-STS policy for {} (mode testing): no TLS with {}[{}]; mode enforce would defer", domain,
                    LogText.printable(mxHost), mxAddress);
            record(mxHost, mxAddress, FailureType.STARTTLS_NOT_SUPPORTED, "STARTTLS not offered");
        } else if (check != null) {
            record(mxHost, mxAddress, check.failure(), check.reason());
        } else if (failureDsn.equals("4.7.4")) {
            record(mxHost, mxAddress, FailureType.STARTTLS_NOT_SUPPORTED, "STARTTLS not offered");
        } else if (failureDsn.equals("4.7.5")) {
            record(mxHost, mxAddress, FailureType.VALIDATION_FAILURE, "TLS handshake failed");
        }
    }

    /**
     * In mode enforce, after a failed session with {@code endpoint} (Postfix's "host[address]:port"):
     * the deferral text when this policy's certificate check refused the MX host, for mailq.
     */
    public Optional<String> refusedCertificate(String mxHost, String endpoint) {
        Check check = enforce() ? checks.get(mxHost) : null;
        return check == null ? Optional.empty() : Optional.of("MTA-STS policy for " + domain
                + ": server certificate verification failed for " + endpoint + ": " + LogText.printable(check.reason()));
    }

    /** The RFC 8460 results of this delivery so far, for the TlsReportSink services. */
    public List<TlsSessionResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    private void record(String mxHost, String mxAddress, FailureType failure, String detail) {
        TlsSessionResult r = new TlsSessionResult(clock.instant(), domain, PolicyType.STS,
                policy == null ? List.of() : policy.policyStrings(),
                mxHost, mxAddress, "", Optional.ofNullable(failure), detail);
        synchronized (results) {
            results.add(r);
        }
    }
}
