// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.dane;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.dns.DnssecStatus;

/**
 * SUMMARY   What DANE asks of one MX host (RFC 7672 section 2.2): its TLSA records at
 *           "_port._tcp.host", looked up only when the host was found through validated DNS.
 * DESCRIPTION
 *   The TLSA base domain is the host's canonical name when its address records came through a
 *   CNAME, then the host name itself (section 2.2.2). A validated RRset with usable records
 *   (DANE-TA, DANE-EE) makes TLS mandatory and authenticated by them; a validated RRset with
 *   none usable makes TLS mandatory but unauthenticated (section 2.2); a validated denial or
 *   an unvalidated answer means no DANE for that host. A lookup that fails (SERVFAIL, timeout,
 *   bogus) is a failure that defers the host: never "no DANE", which an attacker who can make
 *   the lookup fail would otherwise choose.
 */
public sealed interface DanePolicy {

    /** Usable TLSA records: TLS required, the chain checked by {@link DaneTrustManager}. */
    record Authenticated(String baseDomain, List<Tlsa> usable, List<Tlsa> all) implements DanePolicy {
        public Authenticated {
            usable = List.copyOf(usable);
            all = List.copyOf(all);
        }
    }

    /** A validated TLSA RRset without one usable record: TLS required, certificate not checked. */
    record Unusable(String baseDomain, List<Tlsa> all) implements DanePolicy {
        public Unusable {
            all = List.copyOf(all);
        }
    }

    /** No validated TLSA records: DANE does not apply to this host. */
    record None(String reason) implements DanePolicy {
    }

    /** The lookup failed: defer this host (the reason names the TLSA query). */
    record Failed(String reason, boolean bogus) implements DanePolicy {
    }

    /**
     * The DANE policy of {@code hostname}, port {@code port}.
     *
     * @param securePath    whether the lookups that led to the host (MX, address) validated
     * @param canonicalName the host's name after CNAME expansion (or the host name)
     */
    static DanePolicy lookup(DnsResolver dns, boolean securePath, String hostname, String canonicalName, int port) {
        if (!securePath) {
            return new None("the MX host or its address was not found through DNSSEC-validated lookups");
        }
        LinkedHashSet<String> bases = new LinkedHashSet<>();
        bases.add(canonicalName.toLowerCase(Locale.ROOT));
        bases.add(hostname.toLowerCase(Locale.ROOT));
        for (String base : bases) {
            String qname = "_" + port + "._tcp." + base;
            DnsResult result;
            try {
                result = dns.lookup(qname, DnsRecordType.TLSA);
            } catch (RuntimeException e) {
                return new Failed("TLSA lookup error for " + qname + ": " + e.getMessage(), false);
            }
            if (result instanceof DnsResult.TemporaryFailure f) {
                return new Failed("TLSA lookup error for " + qname + ": " + f.reason(), f.dnssec() == DnssecStatus.BOGUS);
            }
            if (result instanceof DnsResult.Answer answer) {
                if (answer.dnssec() != DnssecStatus.SECURE) {
                    return new None("the TLSA records of " + qname + " are not DNSSEC-validated");
                }
                return authenticated(base, answer.records());
            }
            if (result.dnssec() != DnssecStatus.SECURE) {
                return new None("no validated TLSA records at " + qname);
            }
        }
        return new None("no TLSA records for " + hostname);
    }

    private static DanePolicy authenticated(String base, List<DnsRecord> records) {
        List<Tlsa> all = new ArrayList<>();
        for (DnsRecord r : records) {
            Optional<Tlsa> tlsa = Tlsa.parse(r.data());
            tlsa.ifPresent(all::add);
        }
        List<Tlsa> usable = all.stream().filter(Tlsa::usable).toList();
        return usable.isEmpty() ? new Unusable(base, all) : new Authenticated(base, usable, all);
    }
}
