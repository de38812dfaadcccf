// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.dns.DnsResolver;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.transport.smtp.dane.DanePolicy;
import org.postern.transport.smtp.dane.DaneTrustManager;
import org.postern.transport.smtp.dane.Tlsa;

/**
 * SUMMARY   The destination's TLS level applied to one endpoint: Postfix's none, may, encrypt,
 *           verify and secure, and DANE's dane and dane-only, which look at the host's TLSA
 *           records ({@link DanePolicy}).
 * DESCRIPTION
 *   dane: usable validated TLSA records make TLS mandatory and authenticated by them; a
 *   validated TLSA RRset without one usable record makes it mandatory (encrypt); no validated
 *   records fall back to may. dane-only: the same, except that a host without validated TLSA
 *   records is deferred. A TLSA lookup that fails defers the host at both levels. dane
 *   without smtp_dns_support_level = dnssec is may, and dane-only defers, as in Postfix.
 * SECURITY  Never weaker than the level: a failure to learn the DANE policy is a deferral.
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
    private final String nexthopDomain;

    /** @param nexthopDomain the destination domain (a DANE-TA certificate may name it), or empty */
    EndpointTlsPolicy(DnsResolver dns, DnsSupport support, TlsContexts contexts, String nexthopDomain) {
        this.dns = dns;
        this.support = support;
        this.contexts = contexts;
        this.nexthopDomain = nexthopDomain;
    }

    EndpointTls forEndpoint(ClientSettings.TlsLevel level, Endpoint endpoint) throws Refused {
        return switch (level) {
            case NONE -> EndpointTls.NONE;
            case MAY -> unauthenticated(EndpointTls.Requirement.OPPORTUNISTIC);
            case ENCRYPT -> unauthenticated(EndpointTls.Requirement.MANDATORY);
            case VERIFY -> new EndpointTls(EndpointTls.Requirement.MANDATORY, contexts.factory(ClientSettings.TlsLevel.VERIFY),
                    endpoint.hostname(), null, "Verified", PolicyType.NO_POLICY_FOUND, List.of());
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
            return unauthenticated(EndpointTls.Requirement.OPPORTUNISTIC);
        }
        DanePolicy policy = DanePolicy.lookup(dns, endpoint.secure(), endpoint.hostname(), endpoint.canonicalName(),
                endpoint.port());
        if (policy instanceof DanePolicy.Authenticated a) {
            List<String> names = new ArrayList<>(List.of(a.baseDomain(), endpoint.hostname()));
            if (!nexthopDomain.isEmpty()) {
                names.add(nexthopDomain);
            }
            return new EndpointTls(EndpointTls.Requirement.MANDATORY,
                    contexts.trustedBy(new DaneTrustManager(a.usable(), names)), null, a.baseDomain(), "Verified",
                    PolicyType.TLSA, strings(a.all()));
        }
        if (policy instanceof DanePolicy.Unusable u) {
            return new EndpointTls(EndpointTls.Requirement.MANDATORY, contexts.factory(ClientSettings.TlsLevel.MAY), null,
                    u.baseDomain(), "Untrusted", PolicyType.TLSA, strings(u.all()));
        }
        if (policy instanceof DanePolicy.Failed f) {
            throw new Refused(f.reason(), FailureType.DNSSEC_INVALID, PolicyType.TLSA);
        }
        if (only) {
            throw new Refused("DANE TLS authentication is required, but " + ((DanePolicy.None) policy).reason(),
                    FailureType.DANE_REQUIRED, PolicyType.NO_POLICY_FOUND);
        }
        return unauthenticated(EndpointTls.Requirement.OPPORTUNISTIC);
    }

    private static List<String> strings(List<Tlsa> records) {
        return records.stream().map(Tlsa::toString).toList();
    }

    private EndpointTls unauthenticated(EndpointTls.Requirement requirement) {
        return new EndpointTls(requirement, contexts.factory(ClientSettings.TlsLevel.MAY), null, null, "Untrusted",
                PolicyType.NO_POLICY_FOUND, List.of());
    }
}
