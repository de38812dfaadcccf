// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

import java.util.List;

/** The outcomes of a DNS query, as an MTA must tell them apart (NXDOMAIN 5xx, SERVFAIL 4xx). */
public sealed interface DnsResult
        permits DnsResult.Answer, DnsResult.NoSuchDomain, DnsResult.NoData, DnsResult.TemporaryFailure {

    /** Records found; {@code authenticated} when the resolver validated them with DNSSEC (AD bit). */
    record Answer(List<DnsRecord> records, boolean authenticated) implements DnsResult {
        public Answer {
            records = List.copyOf(records);
        }
    }

    /** NXDOMAIN. */
    record NoSuchDomain(boolean authenticated) implements DnsResult {
    }

    /** The name exists but has no records of the type. */
    record NoData(boolean authenticated) implements DnsResult {
    }

    /** SERVFAIL, timeout, no resolver reachable. */
    record TemporaryFailure(String reason) implements DnsResult {
    }
}
