// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import javax.net.ssl.X509TrustManager;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.support.LogText;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.slf4j.Logger;

/**
 * SUMMARY   MTA-STS (RFC 8461) for the smtp client: the policy of a recipient domain, found,
 *           fetched, cached and turned into a {@link StsDecision} for one delivery.
 * DESCRIPTION
 *   {@link #decide} is asked once per delivery to a domain, so that domains without traffic
 *   cause no lookups at all. It looks up the "_mta-sts" TXT record ({@link StsRecord}) and
 *   reads the cached policy ({@link PolicyCache}):
 *   - a cached policy that has not expired (fetched + max_age) is used; when the TXT record
 *     carries another id the policy is fetched again, and a failed fetch keeps the cached one
 *     (a warning says so). A TXT record that disappeared does not remove a valid policy.
 *   - with no valid cached policy the policy is fetched when the TXT record is there, and also
 *     when an expired policy is cached and the TXT lookup failed; at expiry the policy is
 *     fetched even under an unchanged id, so that a policy changed without a new id is picked
 *     up (postfix-mta-sts-resolver#113). An expired policy is never used; if the TXT record is
 *     gone too, the cached file is removed.
 *   - a fetched policy replaces the cached one at once, mode none included.
 *   Fetch failures and invalid policies leave the domain without a policy (delivery as
 *   without MTA-STS, as RFC 8461 section 3.3 says) and are kept in the decision for TLSRPT.
 *   Deliveries to one domain wait for one fetch; other domains are not held up.
 * CONFIGURATION PARAMETERS  see {@link StsParameters}.
 * SECURITY  The TXT record and the policy are untrusted: parsed strictly, bounded, logged
 *   through LogText. The policy host must present a WebPKI-valid certificate.
 * BUGS      The caller asks only for MX-routed nexthops: a smart host ("[relay]") is not
 *   treated as a policy domain (RFC 8461 section 3.4 says it should). No refresh ahead of
 *   expiry: the first delivery after max_age waits for the fetch (bounded by
 *   mta_sts_fetch_timeout). Expired files of domains that get no more mail stay on disk.
 *   Which of DANE and MTA-STS applies is the caller's choice (DANE must win, RFC 8461 section 2).
 */
public final class MtaSts {

    private sealed interface Txt permits Txt.Found, Txt.Absent, Txt.Failed {
        record Found(StsRecord record) implements Txt {
        }

        record Absent() implements Txt {
        }

        record Failed(String reason) implements Txt {
        }
    }

    private final Supplier<DnsResolver> dns;
    private final PolicyCache cache;
    private final PolicyFetcher fetcher;
    private final WebPki pki = new WebPki();
    private final Logger log;
    private final Clock clock;
    /** Deliveries to one domain wait for one fetch; a fixed set of locks, however many domains. */
    private final Object[] locks = new Object[64];

    /** Production: policies fetched on port 443, cached in {@code directory}. */
    public MtaSts(Supplier<DnsResolver> dns, Path directory, Logger log) {
        this(dns, directory, log, 443, Clock.systemUTC());
    }

    /** Tests: another HTTPS port and clock. */
    MtaSts(Supplier<DnsResolver> dns, Path directory, Logger log, int port, Clock clock) {
        this.dns = dns;
        this.cache = new PolicyCache(directory, log);
        this.fetcher = new PolicyFetcher(dns, pki, port);
        this.log = log;
        this.clock = clock;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** ${karaf.data}/postern/mta-sts (relative to the working directory outside Karaf). */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("karaf.data", "data"), "postern", "mta-sts").toAbsolutePath();
    }

    /** The decision for one delivery to {@code domain} (the recipient or nexthop domain). */
    public StsDecision decide(String domain, ServiceSettings settings) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        d = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        if (!settings.bool(StsParameters.ENABLE) || !PolicyCache.cacheable(d) || d.indexOf('.') < 0) {
            return StsDecision.none(d, log);
        }
        synchronized (locks[Math.floorMod(d.hashCode(), locks.length)]) {
            return decideLocked(d, settings);
        }
    }

    private StsDecision decideLocked(String domain, ServiceSettings settings) {
        String caFile = settings.string(StsParameters.CA_FILE).strip();
        boolean mxPatterns = settings.bool(StsParameters.ENFORCE_MX_PATTERNS);
        Instant now = clock.instant();
        Optional<PolicyCache.Entry> cached = cache.get(domain);
        Txt txt = txt(domain);
        boolean valid = cached.isPresent() && now.isBefore(cached.get().expires());
        if (valid) {
            PolicyCache.Entry entry = cached.get();
            if (txt instanceof Txt.Found found && !found.record().id().equals(entry.id())) {
                Outcome o = fetch(domain, found.record().id(), caFile, settings, now);
                if (o.entry() != null) {
                    entry = o.entry();
                } else {
                    log.warn("warning: MTA-STS policy for {}: id changed to {} but the refresh failed ({}); keeping"
                            + " the cached policy (id {}) until {}", domain, found.record().id(),
                            LogText.printable(o.reason()), entry.id(), entry.expires());
                }
            }
            return decision(domain, entry, null, "", mxPatterns, caFile);
        }
        String id = txt instanceof Txt.Found found ? found.record().id() : null;
        if (id == null && txt instanceof Txt.Failed && cached.isPresent()) {
            id = cached.get().id();                 // the DNS may be blocked: try the known policy host anyway
        }
        if (id == null) {
            if (cached.isPresent()) {
                log.info("MTA-STS policy for {} expired and the domain no longer publishes one", domain);
                cache.remove(domain);
            }
            return StsDecision.none(domain, log);
        }
        Outcome o = fetch(domain, id, caFile, settings, now);
        if (o.entry() == null) {
            log.warn("warning: MTA-STS policy for {}: {}; delivering as without MTA-STS", domain,
                    LogText.printable(o.reason()));
            return new StsDecision(domain, null, o.failure(), o.reason(), mxPatterns, null, log);
        }
        return decision(domain, o.entry(), null, "", mxPatterns, caFile);
    }

    private StsDecision decision(String domain, PolicyCache.Entry entry, FailureType failure, String reason,
                                 boolean mxPatterns, String caFile) {
        X509TrustManager trust = null;
        if (entry.policy().mode() != StsPolicy.Mode.NONE) {
            try {
                trust = pki.trustManager(caFile);
            } catch (IOException e) {
                // no trust anchors: enforce cannot verify anything (every MX defers); testing logs it
                log.warn("warning: MTA-STS: {}", LogText.printable(e.getMessage()));
                trust = new NoTrust();
            }
        }
        return new StsDecision(domain, entry.policy(), failure, reason, mxPatterns, trust, log);
    }

    private record Outcome(PolicyCache.Entry entry, FailureType failure, String reason) {
    }

    private Outcome fetch(String domain, String id, String caFile, ServiceSettings settings, Instant now) {
        Duration timeout = settings.time(StsParameters.FETCH_TIMEOUT);
        PolicyFetcher.Result r = fetcher.fetch(domain, caFile, timeout);
        if (r instanceof PolicyFetcher.Result.Failed f) {
            return new Outcome(null, f.type(), f.reason());
        }
        String body = ((PolicyFetcher.Result.Fetched) r).body();
        StsPolicy policy;
        try {
            policy = StsPolicy.parse(body);
        } catch (StsPolicy.Invalid e) {
            return new Outcome(null, FailureType.STS_POLICY_INVALID, "invalid policy: " + e.getMessage());
        }
        PolicyCache.Entry entry = new PolicyCache.Entry(domain, id, now, policy);
        cache.put(entry);
        log.info("MTA-STS policy for {}: id {}, mode {}, max_age {}, mx {}", domain, id, policy.mode().wireName(),
                policy.maxAge().toSeconds(), policy.mxPatterns());
        return new Outcome(entry, null, "");
    }

    private Txt txt(String domain) {
        DnsResolver resolver = dns.get();
        if (resolver == null) {
            return new Txt.Failed("no DNS resolver service");
        }
        DnsResult r;
        try {
            r = resolver.lookup("_mta-sts." + domain, DnsRecordType.TXT);
        } catch (RuntimeException e) {
            return new Txt.Failed(String.valueOf(e.getMessage()));
        }
        if (r instanceof DnsResult.TemporaryFailure t) {
            return new Txt.Failed(t.reason());
        }
        if (!(r instanceof DnsResult.Answer answer)) {
            return new Txt.Absent();
        }
        List<String> texts = new ArrayList<>();
        for (DnsRecord record : answer.records()) {
            if (record.type() == DnsRecordType.TXT) {
                texts.add(record.data());
            }
        }
        Optional<StsRecord> record = StsRecord.select(texts);
        return record.isPresent() ? new Txt.Found(record.get()) : new Txt.Absent();
    }

    /** Trusts nothing: what an unreadable mta_sts_CAfile leaves. */
    private static final class NoTrust implements X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("mta_sts_CAfile cannot be read");
        }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("mta_sts_CAfile cannot be read");
        }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }
}
