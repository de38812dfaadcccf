// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;

import org.postern.api.dns.DnsResolver;
import org.postern.api.support.CipherSuites;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.TlsProtocols;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.transport.smtp.dane.DanePolicy;
import org.postern.transport.smtp.dane.DaneTrustManager;
import org.postern.transport.smtp.dane.Tlsa;
import org.postern.transport.smtp.sts.StsDecision;
import org.postern.transport.smtp.tls.CertificateMatchTrustManager;
import org.postern.transport.smtp.tls.FingerprintTrustManager;

/**
 * SUMMARY   The destination's TLS level applied to one endpoint: Postfix's none, may, encrypt,
 *           fingerprint, verify and secure, and DANE's dane and dane-only, which look at the
 *           host's TLSA records ({@link DanePolicy}).
 * DESCRIPTION
 *   verify: PKIX, then the match list (default "hostname": the MX host). secure: PKIX, then the
 *   match list (default "nexthop, dot-nexthop": the destination, which an attacker who forges
 *   the insecure MX lookup does not choose). fingerprint: the certificate's or public key's
 *   digest is in the match list. dane: usable validated TLSA records make TLS mandatory and
 *   authenticated by them; a validated TLSA RRset without one usable record makes it
 *   mandatory (encrypt); no validated records fall back to may. dane-only: the same, except
 *   that a host without validated TLSA records is deferred. A TLSA lookup that fails defers
 *   the host at both levels. dane without smtp_dns_support_level = dnssec is may, and
 *   dane-only defers, as in Postfix. MTA-STS ({@link #mtaSts}) raises may, encrypt and dane
 *   without TLSA records to its own requirement; DANE wins where both exist (RFC 8461
 *   section 2), and the stronger levels are the administrator's explicit choice.
 * SECURITY  Never weaker than the level: a failure to learn the policy or to load its trust
 *   anchors is a deferral.
 */
final class EndpointTlsPolicy {

    /** DSN status of a host deferred for its TLS policy. */
    static final String DSN = "4.7.5";

    /** The host is deferred before any connection: its TLS policy cannot be met or learned. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient SessionFailure failure;
        private final FailureType type;
        private final PolicyType policyType;

        Refused(String why, FailureType type, PolicyType policyType) {
            super(why, null, false, false);
            this.failure = SessionFailure.soft(DSN, why);
            this.type = type;
            this.policyType = policyType;
        }

        SessionFailure failure() {
            return failure;
        }

        /** The RFC 8460 result type, or null when no TLSRPT policy applies (the destination's own level). */
        FailureType type() {
            return type;
        }

        PolicyType policyType() {
            return policyType;
        }
    }

    private final DnsResolver dns;
    private final DnsSupport support;
    private final TlsContexts contexts;
    private final TlsSettings settings;
    private final String nexthopDomain;
    private final List<String> jvmProtocols;
    private final List<String> jvmSuites;
    /** The destination's MTA-STS decision, or null (none, or a policy table entry that wins). */
    private StsDecision sts;
    /** The message says "TLS-Required: no": DANE and MTA-STS are not applied (RFC 8689 section 5). */
    private boolean policiesIgnored;

    /** @param nexthopDomain the destination domain (or the host of a "[host]" nexthop) */
    EndpointTlsPolicy(DnsResolver dns, DnsSupport support, TlsContexts contexts, TlsSettings settings,
                      String nexthopDomain) {
        this.dns = dns;
        this.support = support;
        this.contexts = contexts;
        this.settings = settings;
        this.nexthopDomain = nexthopDomain.toLowerCase(Locale.ROOT);
        SSLParameters defaults = defaultParameters();
        this.jvmProtocols = List.of(defaults.getProtocols());
        this.jvmSuites = List.of(defaults.getCipherSuites());
    }

    /** MTA-STS for levels may, encrypt, and dane where a host has no TLSA records: DANE wins. */
    void mtaSts(StsDecision decision) {
        this.sts = decision;
    }

    /** "TLS-Required: no": DANE and MTA-STS fall back to may, as RFC 8689 section 5 asks. */
    void ignoreDaneAndMtaSts() {
        this.policiesIgnored = true;
    }

    EndpointTls forEndpoint(ClientSettings.TlsLevel level, Endpoint endpoint) throws Refused {
        if (policiesIgnored && (level == ClientSettings.TlsLevel.DANE || level == ClientSettings.TlsLevel.DANE_ONLY)) {
            return unauthenticated(EndpointTls.Requirement.OPPORTUNISTIC, endpoint);
        }
        return switch (level) {
            case NONE -> EndpointTls.NONE;
            case MAY -> stsOr(EndpointTls.Requirement.OPPORTUNISTIC, endpoint);
            case ENCRYPT -> stsOr(EndpointTls.Requirement.MANDATORY, endpoint);
            case VERIFY, SECURE -> {
                X509TrustManager pkix = pkix();
                List<String> names = names(endpoint);
                yield verified(List.of("match", pkix, names), () -> new CertificateMatchTrustManager(pkix, names),
                        endpoint, null);
            }
            case FINGERPRINT -> {
                X509TrustManager fingerprints = fingerprints();
                yield verified(List.of("fingerprint", settings.fingerprintDigest(), settings.match()),
                        () -> fingerprints, endpoint, null);
            }
            case DANE, DANE_ONLY -> dane(level == ClientSettings.TlsLevel.DANE_ONLY, endpoint);
        };
    }

    private EndpointTls dane(boolean only, Endpoint endpoint) throws Refused {
        if (!support.dnssec() || dns == null || endpoint.isUnix()) {
            if (only) {
                throw new Refused("DANE TLS authentication is required, but "
                        + (endpoint.isUnix() ? "the destination is a UNIX-domain socket"
                        : "smtp_dns_support_level is not dnssec"), null, PolicyType.NO_POLICY_FOUND);
            }
            return stsOr(EndpointTls.Requirement.OPPORTUNISTIC, endpoint);
        }
        DanePolicy policy = DanePolicy.lookup(dns, endpoint.secure(), endpoint.hostname(), endpoint.canonicalName(),
                endpoint.port());
        if (policy instanceof DanePolicy.Authenticated a) {
            List<String> names = new ArrayList<>(List.of(a.baseDomain()));
            if (!settings.daneStrictNames()) {          // Postfix's "half-dane" names too
                names.add(endpoint.hostname());
                if (!nexthopDomain.isEmpty()) {
                    names.add(nexthopDomain);
                }
            }
            return verified(List.of("dane", a.usable(), names), () -> new DaneTrustManager(a.usable(), names),
                    endpoint, a.baseDomain()).reportedAs(tlsa(a.all()));
        }
        if (policy instanceof DanePolicy.Unusable u) {
            return unauthenticated(EndpointTls.Requirement.MANDATORY, endpoint).reportedAs(tlsa(u.all()));
        }
        if (policy instanceof DanePolicy.Failed f) {
            throw new Refused(f.reason(), FailureType.DNSSEC_INVALID, PolicyType.TLSA);
        }
        if (only) {
            throw new Refused("DANE TLS authentication is required, but " + ((DanePolicy.None) policy).reason(),
                    FailureType.DANE_REQUIRED, PolicyType.NO_POLICY_FOUND);
        }
        return stsOr(EndpointTls.Requirement.OPPORTUNISTIC, endpoint);
    }

    /**
     * MTA-STS's requirement when the destination has an active policy: enforce, TLS verified by
     * the WebPKI for the MX host (SNI: the MX host, as RFC 8461 section 4.2 asks); testing, the
     * level's own requirement with a context that logs what enforce would refuse. Otherwise
     * the level's requirement, unauthenticated.
     */
    private EndpointTls stsOr(EndpointTls.Requirement requirement, Endpoint endpoint) throws Refused {
        if (sts == null || !sts.active() || endpoint.isUnix() || policiesIgnored) {
            return unauthenticated(requirement, endpoint);
        }
        EndpointTls.ReportedPolicy reported = new EndpointTls.ReportedPolicy(PolicyType.STS,
                sts.policy().orElseThrow().policyStrings(), sts.policy().orElseThrow().mxPatterns());
        boolean enforce = sts.enforce();
        return new EndpointTls(enforce ? EndpointTls.Requirement.MANDATORY : requirement, sts.socketFactory(),
                handshake(enforce || requirement == EndpointTls.Requirement.MANDATORY, endpoint, endpoint.hostname()),
                settings.wrapperMode(), enforce ? "Verified" : "Untrusted", reported);
    }

    private static EndpointTls.ReportedPolicy tlsa(List<Tlsa> records) {
        return new EndpointTls.ReportedPolicy(PolicyType.TLSA, records.stream().map(Tlsa::toString).toList(), List.of());
    }

    private X509TrustManager pkix() throws Refused {
        try {
            return contexts.pkix(settings);
        } catch (IOException e) {
            throw new Refused("cannot load the trusted CA certificates: " + e.getMessage(), null,
                    PolicyType.NO_POLICY_FOUND);
        }
    }

    private X509TrustManager fingerprints() throws Refused {
        try {
            return new FingerprintTrustManager(settings.fingerprintDigest(), settings.match());
        } catch (GeneralSecurityException e) {
            throw new Refused("bad smtp_tls_fingerprint_digest: " + settings.fingerprintDigest(), null,
                    PolicyType.NO_POLICY_FOUND);
        }
    }

    /** The match list with Postfix's words resolved for this endpoint. */
    private List<String> names(Endpoint endpoint) {
        List<String> names = new ArrayList<>();
        for (String m : settings.match()) {
            switch (m.strip().toLowerCase(Locale.ROOT)) {
                case "hostname" -> names.add(endpoint.hostname());
                case "nexthop" -> names.add(nexthopDomain);
                case "dot-nexthop" -> names.add("." + nexthopDomain);
                default -> names.add(m.strip());
            }
        }
        return names;
    }

    /**
     * @param trustKey equal for equal trust (the level's word, then what it checks against): the
     *                 connections that may resume each other's TLS sessions ({@link TlsContexts})
     */
    private EndpointTls verified(Object trustKey, Supplier<X509TrustManager> trust, Endpoint endpoint,
                                 String serverName) throws Refused {
        return new EndpointTls(EndpointTls.Requirement.MANDATORY,
                contexts.trustedBy(trustKey, trust, settings.sessionCache()),
                handshake(true, endpoint, serverName), settings.wrapperMode(), "Verified", EndpointTls.ReportedPolicy.NONE);
    }

    private EndpointTls unauthenticated(EndpointTls.Requirement requirement, Endpoint endpoint) throws Refused {
        SSLSocketFactory any = contexts.opportunistic(settings.sessionCache());
        return new EndpointTls(requirement, any, handshake(requirement == EndpointTls.Requirement.MANDATORY, endpoint, null),
                settings.wrapperMode(), "Untrusted", EndpointTls.ReportedPolicy.NONE);
    }

    /** @param forcedName the SNI name DANE or MTA-STS requires, or null for smtp_tls_servername's */
    private EndpointTls.Handshake handshake(boolean mandatory, Endpoint endpoint, String forcedName) throws Refused {
        try {
            List<String> allowed = TlsProtocols.parse(mandatory ? settings.protocols() : settings.opportunisticProtocols());
            List<String> protocols = jvmProtocols.stream().filter(allowed::contains).toList();
            if (protocols.isEmpty()) {
                throw new IllegalArgumentException("none of the protocols " + allowed + " is enabled in this JVM");
            }
            List<String> suites = CipherSuites.select(jvmSuites, mandatory ? settings.ciphers()
                    : settings.opportunisticCiphers(), String.join(":", mandatory ? settings.excludedCiphers()
                    : settings.opportunisticExcluded()));
            return new EndpointTls.Handshake(protocols, suites, serverName(endpoint, forcedName));
        } catch (IllegalArgumentException e) {
            throw new Refused("TLS settings: " + e.getMessage(), null, PolicyType.NO_POLICY_FOUND);
        }
    }

    /**
     * smtp_tls_servername (servername=), as Postfix: empty sends no SNI, "hostname" the MX host,
     * "nexthop" the destination, anything else itself; DANE always sends the TLSA base domain,
     * MTA-STS the MX host.
     */
    private String serverName(Endpoint endpoint, String forcedName) {
        String configured = settings.servername();
        String name = forcedName != null ? forcedName : switch (configured.toLowerCase(Locale.ROOT)) {
            case "" -> "";
            case "hostname" -> endpoint.hostname();
            case "nexthop" -> nexthopDomain;
            default -> configured;
        };
        return IpAddresses.parse(name) == null && name.indexOf('.') > 0 ? name : null;
    }

    private static SSLParameters defaultParameters() {
        try {
            return SSLContext.getDefault().getDefaultSSLParameters();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
