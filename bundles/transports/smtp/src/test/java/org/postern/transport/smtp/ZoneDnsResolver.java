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
import org.postern.api.dns.DnssecStatus;

/** A DNS zone in memory: MX, A and TXT records, names that do not exist, names whose lookups fail. */
final class ZoneDnsResolver implements DnsResolver {

    private final Map<String, List<DnsRecord>> records = new HashMap<>();
    private final Set<String> known = new HashSet<>();
    private final Set<String> failing = new HashSet<>();
    private final Set<String> bogus = new HashSet<>();
    private final Set<String> insecure = new HashSet<>();
    /** Every answer DNSSEC-validated, except the names marked {@link #insecure}. */
    private boolean signed;
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

    /** From now on every answer is SECURE, except those of {@link #insecure} names. */
    ZoneDnsResolver signed() {
        signed = true;
        return this;
    }

    /** Answers for {@code nameAndType} ("name/TYPE") fail validation: SERVFAIL, BOGUS. */
    ZoneDnsResolver bogus(String nameAndType) {
        bogus.add(nameAndType);
        return this;
    }

    /** Answers for {@code name} are not validated (INSECURE) even in a signed zone. */
    ZoneDnsResolver insecure(String name) {
        insecure.add(name);
        return this;
    }

    /** A TLSA record, "3 1 1 HEX". */
    ZoneDnsResolver tlsa(String name, String data) {
        return add(new DnsRecord(name, DnsRecordType.TLSA, 300, 0, data));
    }

    /** {@code alias} is a CNAME for {@code target}: address lookups of alias answer with target's records. */
    ZoneDnsResolver cname(String alias, String target, String address) {
        known.add(alias);
        return add(new DnsRecord(target, DnsRecordType.A, 300, 0, address))
                .add(alias + "/" + DnsRecordType.A, new DnsRecord(target, DnsRecordType.A, 300, 0, address));
    }

    private ZoneDnsResolver add(String key, DnsRecord r) {
        records.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
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
        if (bogus.contains(name + "/" + type)) {
            return new DnsResult.TemporaryFailure("SERVFAIL (DNSSEC validation failed)", DnssecStatus.BOGUS);
        }
        DnssecStatus status = signed && !insecure.contains(name) ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        List<DnsRecord> found = records.get(name + "/" + type);
        if (found != null) {
            return new DnsResult.Answer(found, status);
        }
        return known.contains(name) ? new DnsResult.NoData(status) : new DnsResult.NoSuchDomain(status);
    }
}
