// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One report's counts: per policy (RFC 8460 section 4.4 "policies"). Mutable, one owner at a time. */
public final class DayCounts {

    private final Map<PolicyKey, PolicyCounts> policies = new LinkedHashMap<>();

    public PolicyCounts policy(PolicyKey key) {
        return policies.computeIfAbsent(key, k -> new PolicyCounts());
    }

    public void mergeFrom(DayCounts other) {
        other.policies.forEach((key, counts) -> policy(key).mergeFrom(counts));
    }

    public Map<PolicyKey, PolicyCounts> policies() {
        return Collections.unmodifiableMap(policies);
    }

    public long sessions() {
        return policies.values().stream().mapToLong(p -> p.successes() + p.failures()).sum();
    }

    public boolean isEmpty() {
        return policies.isEmpty();
    }
}
