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

/**
 * SUMMARY   dnsjava resolver - A/AAAA/MX/TXT/PTR/TLSA/CNAME lookups through the system's resolvers.
 * DESCRIPTION
 *   Sends one query per lookup to the name servers of main.cf's dns_servers, or of
 *   /etc/resolv.conf when it is empty ({@link NameServers}; dnsjava's ExtendedResolver, which
 *   retries over TCP on truncation) with the AD bit set, as RFC 6840
 *   section 5.7 allows, so that a validating recursive resolver reports DNSSEC status; the
 *   answer's AD bit becomes {@code authenticated}. NXDOMAIN and "no records of this type" are
 *   answers; SERVFAIL, REFUSED and timeouts are temporary failures (4xx, defer), never 5xx.
 * SECURITY  Names come from SMTP clients (HELO, MAIL FROM domains): a name that is not a valid
 *   DNS name is answered as NXDOMAIN without a query. Answers are trusted only as far as the
 *   AD bit of the local recursive resolver says.
 * BUGS      No local cache beyond the recursive resolver's; CNAME chains are taken as the
 *   recursive resolver returns them (records of the asked type in the answer section).
 */
@Component(service = DnsResolver.class)
@DnsResolverName(dns_resolver = "dnsjava")
public final class DnsjavaResolver implements DnsResolver {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** dns_servers (null when {@link #fixed} is given). */
    private final NameServers servers;
    /** A resolver given by a test, or null. */
    private final Resolver fixed;

    /** The name servers of main.cf's dns_servers, else of /etc/resolv.conf. */
    @Activate
    public DnsjavaResolver(@Reference PosternConfiguration configuration) {
        this(() -> configuration.current().map(c -> c.config().main().get("dns_servers")).orElse(""));
    }

    /** The system's name servers (code that embeds the resolver without a configuration). */
    public DnsjavaResolver() {
        this(() -> "");
    }

    /** dns_servers as {@code servers} gives it each time (tests point it at a local server). */
    DnsjavaResolver(Supplier<String> servers) {
        this.servers = new NameServers(servers, TIMEOUT);
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
            return new DnsResult.NoSuchDomain(false);
        }
        int qtype = Type.value(type.name());
        Message query = Message.newQuery(Record.newRecord(qname, qtype, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        Message response;
        try {
            response = (fixed != null ? fixed : servers.resolver()).send(query);
        } catch (IOException e) {
            return new DnsResult.TemporaryFailure(name + "/" + type + ": " + e.getMessage());
        } catch (NameServers.Unusable e) {
            return new DnsResult.TemporaryFailure(name + "/" + type + ": " + e.getMessage());
        }
        boolean authenticated = response.getHeader().getFlag(Flags.AD);
        int rcode = response.getRcode();
        if (rcode == Rcode.NXDOMAIN) {
            return new DnsResult.NoSuchDomain(authenticated);
        }
        if (rcode != Rcode.NOERROR) {
            return new DnsResult.TemporaryFailure(name + "/" + type + ": " + Rcode.string(rcode));
        }
        List<DnsRecord> records = new ArrayList<>();
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == qtype) {
                records.add(toRecord(r, type));
            }
        }
        return records.isEmpty() ? new DnsResult.NoData(authenticated) : new DnsResult.Answer(records, authenticated);
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
