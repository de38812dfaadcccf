// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResolverName;
import org.postern.api.dns.DnsResult;
import org.postern.api.dns.DnssecStatus;
import org.postern.core.runtime.PosternConfiguration;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * SUMMARY   dnsjava resolver - A/AAAA/MX/TXT/PTR/TLSA/CNAME lookups through the system's resolvers,
 *           each answer with its DNSSEC status.
 * DESCRIPTION
 *   Sends one query per lookup to the name servers of main.cf's dns_servers, or of
 *   /etc/resolv.conf when it is empty ({@link NameServers}; dnsjava's ExtendedResolver, which
 *   retries over TCP on truncation) with the AD bit set, as RFC 6840 section 5.7 allows, so
 *   that a validating recursive resolver reports DNSSEC status: AD set is SECURE, unset is
 *   INSECURE (Postfix's reading of the AD bit). With dnssec_validation = local the answers are
 *   validated in this JVM instead (dnsjava's ValidatingResolver), with the same result.
 *   NXDOMAIN and "no records of this type" are answers; SERVFAIL, REFUSED and timeouts are
 *   temporary failures (4xx, defer), never 5xx. A SERVFAIL is BOGUS when the validator says so
 *   (an RFC 8914 extended error 6 to 12, or dnsjava's validation reason), or when the same
 *   query with CD (checking disabled) gets an answer; otherwise INDETERMINATE.
 *   {@link DnssecProbe} (dnssec_probe) tells at start whether validated answers are available.
 * SECURITY  Names come from SMTP clients (HELO, MAIL FROM domains): a name that is not a valid
 *   DNS name is answered as NXDOMAIN without a query. Answers are trusted only as far as the
 *   AD bit of the configured resolver, or the local validator, says.
 * BUGS      No local cache beyond the recursive resolver's; CNAME chains are taken as the
 *   recursive resolver returns them (records of the asked type in the answer section, each
 *   with its own owner name).
 */
@Component(service = DnsResolver.class)
@DnsResolverName(dns_resolver = "dnsjava")
public final class DnsjavaResolver implements DnsResolver {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** dns_servers and DNSSEC settings (null when {@link #fixed} is given). */
    private final NameServers servers;
    /** A resolver given by a test, or null. */
    private final Resolver fixed;

    /** The name servers of main.cf's dns_servers, else of /etc/resolv.conf; probes DNSSEC at start. */
    @Activate
    public DnsjavaResolver(@Reference PosternConfiguration configuration) {
        this(() -> configuration.current().map(c -> ResolverSpec.of(c.config().main().get("dns_servers"),
                c.config().main().get("dnssec_validation"), c.config().main().get("dnssec_trust_anchor_file")))
                .orElse(ResolverSpec.SYSTEM));
        String probe = configuration.current().map(c -> c.config().main().get("dnssec_probe")).orElse(DnssecProbe.DEFAULT);
        DnssecProbe.inBackground(this, probe == null ? DnssecProbe.DEFAULT : probe);
    }

    /** The system's name servers (code that embeds the resolver without a configuration). */
    public DnsjavaResolver() {
        this(() -> ResolverSpec.SYSTEM);
    }

    /** The settings as {@code spec} gives them each time (tests point it at a local server). */
    DnsjavaResolver(Supplier<ResolverSpec> spec) {
        this.servers = new NameServers(spec, TIMEOUT);
        this.fixed = null;
    }

    /** A given resolver (tests point it at a local server). */
    public DnsjavaResolver(Resolver resolver) {
        this.servers = null;
        this.fixed = resolver;
    }

    @Override
    public DnsResult lookup(String name, DnsRecordType type) {
        Name qname;
        try {
            qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new DnsResult.NoSuchDomain(DnssecStatus.INDETERMINATE);
        }
        int qtype = Type.value(type.name());
        String what = name + "/" + type;
        Message response;
        Resolver resolver;
        try {
            resolver = fixed != null ? fixed : servers.resolver();
            response = resolver.send(query(qname, qtype, false));
        } catch (IOException | NameServers.Unusable e) {
            return new DnsResult.TemporaryFailure(what + ": " + e.getMessage());
        }
        DnssecStatus status = DnssecStatus.of(response.getHeader().getFlag(Flags.AD));
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new DnsResult.NoSuchDomain(status);
        }
        if (rcode != Rcode.NOERROR) {
            DnssecStatus failure = rcode == Rcode.SERVFAIL ? servfailStatus(resolver, response, qname, qtype)
                    : DnssecStatus.INDETERMINATE;
            return new DnsResult.TemporaryFailure(what + ": " + Rcode.string(rcode)
                    + (failure == DnssecStatus.BOGUS ? " (DNSSEC validation failed)" : ""), failure);
        }
        List<DnsRecord> records = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == qtype) {
                records.add(toRecord(r, type));
            }
        }
        return records.isEmpty() ? new DnsResult.NoData(status) : new DnsResult.Answer(records, status);
    }

    /** The DNSSEC status of the answer to {@code qtype}:{@code qname}, for the probe. */
    DnssecStatus probe(Name qname, int qtype) throws IOException, NameServers.Unusable {
        Resolver resolver = fixed != null ? fixed : servers.resolver();
        Message response = resolver.send(query(qname, qtype, false));
        int rcode = response.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            return DnssecStatus.of(response.getHeader().getFlag(Flags.AD));
        }
        return rcode == Rcode.SERVFAIL ? servfailStatus(resolver, response, qname, qtype) : DnssecStatus.INDETERMINATE;
    }

    /** Whether dnssec_validation = local is in effect. */
    boolean validatesLocally() {
        return servers != null && servers.spec().localValidation();
    }

    private static Message query(Name qname, int qtype, boolean checkingDisabled) {
        Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        if (checkingDisabled) {
            query.getHeader().setFlag(Flags.CD);
        }
        return query;
    }

    /**
     * BOGUS when the validator said so in the SERVFAIL, or when the query with CD set gets an
     * answer (the data is there, only its validation failed); INDETERMINATE otherwise.
     */
    private DnssecStatus servfailStatus(Resolver resolver, Message servfail, Name qname, int qtype) {
        if (ValidationFailure.reported(servfail)) {
            return DnssecStatus.BOGUS;
        }
        if (validatesLocally() || resolver instanceof ValidatingResolver) {
            return DnssecStatus.INDETERMINATE;          // the validator sets CD itself: no second opinion
        }
        try {
            int rcode = resolver.send(query(qname, qtype, true)).getRcode();
            return rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN ? DnssecStatus.BOGUS : DnssecStatus.INDETERMINATE;
        } catch (IOException e) {
            return DnssecStatus.INDETERMINATE;
        }
    }

    private static DnsRecord toRecord(Record r, DnsRecordType type) {
        String owner = withoutDot(r.getName().toString());
        int preference = 0;
        String data;
        if (r instanceof ARecord a) {
            data = a.getAddress().getHostAddress();
        } else if (r instanceof AAAARecord aaaa) {
            data = aaaa.getAddress().getHostAddress();
        } else if (r instanceof MXRecord mx) {
            preference = mx.getPriority();
            data = withoutDot(mx.getTarget().toString());
        } else if (r instanceof TXTRecord txt) {
            data = String.join("", txt.getStrings());
        } else if (r instanceof PTRRecord ptr) {
            data = withoutDot(ptr.getTarget().toString());
        } else if (r instanceof CNAMERecord cname) {
            data = withoutDot(cname.getTarget().toString());
        } else {
            data = r.rdataToString();
        }
        return new DnsRecord(owner, type, r.getTTL(), preference, data);
    }

    private static String withoutDot(String name) {
        return name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    }
}
