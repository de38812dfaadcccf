// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

import java.util.List;

/** The outcomes of a DNS query, as an MTA must tell them apart (NXDOMAIN 5xx, SERVFAIL 4xx). */
public sealed interface DnsResult
        permits DnsResult.Answer, DnsResult.NoSuchDomain, DnsResult.NoData, DnsResult.TemporaryFailure {

    /** The answer's DNSSEC status. */
    DnssecStatus dnssec();

    /** True when the answer validated with DNSSEC ({@link DnssecStatus#SECURE}). */
    default boolean authenticated() {
        return dnssec() == DnssecStatus.SECURE;
    }

    /** Records found. */
    record Answer(List<DnsRecord> records, DnssecStatus dnssec) implements DnsResult {
        public Answer {
            records = List.copyOf(records);
        }

        /** {@code authenticated}: SECURE, else INSECURE. */
        public Answer(List<DnsRecord> records, boolean authenticated) {
            this(records, DnssecStatus.of(authenticated));
        }
    }

    /** NXDOMAIN. */
    record NoSuchDomain(DnssecStatus dnssec) implements DnsResult {
        public NoSuchDomain(boolean authenticated) {
            this(DnssecStatus.of(authenticated));
        }
    }

    /** The name exists but has no records of the type. */
    record NoData(DnssecStatus dnssec) implements DnsResult {
        public NoData(boolean authenticated) {
            this(DnssecStatus.of(authenticated));
        }
    }

    /**
     * SERVFAIL, timeout, no resolver reachable ({@link DnssecStatus#INDETERMINATE}), or an answer
     * that failed DNSSEC validation ({@link DnssecStatus#BOGUS}).
     */
    record TemporaryFailure(String reason, DnssecStatus dnssec) implements DnsResult {
        public TemporaryFailure(String reason) {
            this(reason, DnssecStatus.INDETERMINATE);
        }
    }
}
