// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.time.LocalDate;
import java.util.Comparator;

/** One report: a policy domain and the UTC day it covers (RFC 8460 section 4.1 date-range). */
public record ReportKey(String policyDomain, LocalDate day) implements Comparable<ReportKey> {

    private static final Comparator<ReportKey> ORDER =
            Comparator.comparing(ReportKey::day).thenComparing(ReportKey::policyDomain);

    @Override
    public int compareTo(ReportKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return policyDomain + " " + day;
    }
}
