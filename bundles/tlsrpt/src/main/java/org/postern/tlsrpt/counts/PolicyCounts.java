// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SUMMARY   The sessions counted under one policy: successes, failures, and the failures per
 *           detail row (RFC 8460 section 4.3). Mutable, not thread-safe: one owner at a time.
 * DESCRIPTION
 *   The rows per policy are bounded ({@link #MAX_DETAILS}): the receiving side names the HELO
 *   and the reasons, so a hostile MX could otherwise grow a day's report without limit. Rows
 *   beyond the bound are counted under their result type alone; the totals stay exact.
 */
public final class PolicyCounts {

    /** Distinct failure-detail rows kept per policy and day. */
    public static final int MAX_DETAILS = 1000;

    private long successes;
    private long failures;
    private final Map<FailureKey, Long> details = new LinkedHashMap<>();

    public void addSuccesses(long n) {
        successes += n;
    }

    public void addFailures(FailureKey key, long n) {
        failures += n;
        FailureKey row = details.containsKey(key) || details.size() < MAX_DETAILS ? key : key.typeOnly();
        details.merge(row, n, Long::sum);
    }

    public void mergeFrom(PolicyCounts other) {
        successes += other.successes;
        other.details.forEach(this::addFailures);   // every failure has its row, so this adds them all
    }

    public long successes() {
        return successes;
    }

    public long failures() {
        return failures;
    }

    /** The rows in the order first seen. */
    public Map<FailureKey, Long> details() {
        return Collections.unmodifiableMap(details);
    }
}
