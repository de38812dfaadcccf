// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.time.LocalDate;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.postern.api.tls.TlsSessionResult;

/**
 * SUMMARY   Session results counted per report (policy domain and UTC day), per policy and per
 *           failure detail: what the store adds up and a report is built from. Mutable, one
 *           owner at a time.
 * DESCRIPTION
 *   The day is the UTC day the attempt ended (RFC 8460 section 4.1: reports cover UTC days).
 *   Policy domains are counted in lower case, so "Example.COM" and "example.com" make one report.
 */
public final class Tally {

    private static final long SECONDS_PER_DAY = 86_400;

    private final Map<ReportKey, DayCounts> days = new HashMap<>();

    public void record(TlsSessionResult result) {
        ReportKey key = new ReportKey(result.policyDomain().toLowerCase(java.util.Locale.ROOT),
                LocalDate.ofEpochDay(Math.floorDiv(result.time().getEpochSecond(), SECONDS_PER_DAY)));
        PolicyCounts counts = day(key).policy(
                new PolicyKey(result.policyType(), result.policyStrings(), result.mxHostPatterns()));
        if (result.failure().isEmpty()) {
            counts.addSuccesses(1);
        } else {
            counts.addFailures(new FailureKey(result.failure().get(), result.sendingIp(), result.receivingMxHost(),
                    result.receivingMxHelo(), result.receivingIp(), "", result.failureReasonCode()), 1);
        }
    }

    public DayCounts day(ReportKey key) {
        return days.computeIfAbsent(key, k -> new DayCounts());
    }

    public void mergeFrom(Tally other) {
        other.days.forEach((key, counts) -> day(key).mergeFrom(counts));
    }

    /** The reports, oldest day first, then by domain. */
    public Map<ReportKey, DayCounts> days() {
        return Collections.unmodifiableMap(new TreeMap<>(days));
    }

    public boolean isEmpty() {
        return days.isEmpty();
    }
}
