// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;

/**
 * A fake resolver answering from a table of records: a name with records of other types answers
 * NoData, an unknown name NXDOMAIN, a "broken" name SERVFAIL. Records every question.
 */
final class ZoneTableResolver implements DnsResolver {

    private final Map<String, List<DnsRecord>> records = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> broken = new HashSet<>();
    final List<String> questions = new CopyOnWriteArrayList<>();

    ZoneTableResolver add(String name, DnsRecordType type, String data) {
        String n = name.toLowerCase(Locale.ROOT);
        names.add(n);
        records.computeIfAbsent(n + " " + type, k -> new ArrayList<>()).add(new DnsRecord(n, type, 300, 0, data));
        return this;
    }

    /** PTR for the IPv4 address and A back to it: a forward-confirmed client name. */
    ZoneTableResolver host(String name, String ipv4) {
        String[] o = ipv4.split("\\.");
        add(o[3] + "." + o[2] + "." + o[1] + "." + o[0] + ".in-addr.arpa", DnsRecordType.PTR, name + ".");
        return add(name, DnsRecordType.A, ipv4);
    }

    ZoneTableResolver broken(String name) {
        broken.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    @Override
    public DnsResult lookup(String name, DnsRecordType type) {
        String n = name.toLowerCase(Locale.ROOT);
        questions.add(n + " " + type);
        if (broken.contains(n)) {
            return new DnsResult.TemporaryFailure("SERVFAIL");
        }
        List<DnsRecord> r = records.get(n + " " + type);
        if (r != null) {
            return new DnsResult.Answer(r, false);
        }
        return names.contains(n) ? new DnsResult.NoData(false) : new DnsResult.NoSuchDomain(false);
    }
}
