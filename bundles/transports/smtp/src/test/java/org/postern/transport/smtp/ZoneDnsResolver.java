// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;

/** A DNS zone in memory: MX, A and TXT records, names that do not exist, names whose lookups fail. */
final class ZoneDnsResolver implements DnsResolver {

    private final Map<String, List<DnsRecord>> records = new HashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Set<String> failing = new HashSet<>();
    final List<String> queries = new ArrayList<>();

    ZoneDnsResolver mx(String domain, int preference, String host) {
        return add(new DnsRecord(domain, DnsRecordType.MX, 300, preference, host));
    }

    ZoneDnsResolver a(String host, String address) {
        return add(new DnsRecord(host, DnsRecordType.A, 300, 0, address));
    }

    ZoneDnsResolver txt(String name, String text) {
        return add(new DnsRecord(name, DnsRecordType.TXT, 300, 0, text));
    }

    /** Removes the records of one name and type (the name stays known: NODATA). */
    synchronized ZoneDnsResolver remove(String name, DnsRecordType type) {
        records.remove(name + "/" + type);
        return this;
    }

    ZoneDnsResolver failing(String name) {
        failing.add(name);
        return this;
    }

    /** Lookups of the name answer again. */
    synchronized ZoneDnsResolver healed(String name) {
        failing.remove(name);
        return this;
    }

    private synchronized ZoneDnsResolver add(DnsRecord r) {
        records.computeIfAbsent(r.name() + "/" + r.type(), k -> new ArrayList<>()).add(r);
        known.add(r.name());
        return this;
    }

    @Override
    public synchronized DnsResult lookup(String name, DnsRecordType type) {
        queries.add(name + "/" + type);
        if (failing.contains(name)) {
            return new DnsResult.TemporaryFailure("SERVFAIL");
        }
        List<DnsRecord> found = records.get(name + "/" + type);
        if (found != null) {
            return new DnsResult.Answer(found, false);
        }
        return known.contains(name) ? new DnsResult.NoData(false) : new DnsResult.NoSuchDomain(false);
    }
}
