// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.security.GeneralSecurityException;
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
import org.slf4j.Logger;

/**
 * SUMMARY   What MTA-STS asks of one delivery to one policy domain, and what happened.
 * DESCRIPTION
 *   Made by {@link MtaSts#decide}. With no policy (or mode none) it asks nothing. In mode
 *   enforce: only MX hosts matching the policy's patterns ({@link #refusal}), TLS required with
 *   a WebPKI-valid certificate for the MX host ({@link #socketFactory}, at level verify); the
 *   caller defers what fails. In mode testing: nothing is refused, but what enforce would
 *   refuse is logged ("MTA-STS policy for DOMAIN (mode testing): ... mode enforce would ...").
 *   The client reports each TLS attempt under the policy to the TlsReportSink services; this
 *   class tells it the certificate check's result type ({@link #certificateFailure}) and why no
 *   policy could be had although one was announced ({@link #discoveryFailure}).
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
    private final Map<String, Check> checks = new ConcurrentHashMap<>();

    StsDecision(String domain, StsPolicy policy, FailureType discoveryFailure, String discoveryReason,
                boolean enforceMxPatterns, X509TrustManager pki, Logger log) {
        this.domain = domain;
        this.policy = policy;
        this.discoveryFailure = Optional.ofNullable(discoveryFailure);
        this.discoveryReason = discoveryReason;
        this.enforceMxPatterns = enforceMxPatterns;
        this.pki = pki;
        this.log = log;
    }

    /** No policy applies (MTA-STS off, no record, a [host] nexthop ...). */
    public static StsDecision none(String domain, Logger log) {
        return new StsDecision(domain, null, null, "", true, null, log);
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
     * The RFC 8460 result type of the certificate check of {@code mxHost} under this policy, when
     * it refused the certificate (in mode testing: would have refused it); empty when it
     * accepted it or never saw it.
     */
    public Optional<FailureType> certificateFailure(String mxHost) {
        Check check = checks.get(mxHost);
        return check == null ? Optional.empty() : Optional.of(check.failure());
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

}
