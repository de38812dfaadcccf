// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.util.List;
import java.util.Optional;

import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   smtp_tlsrpt_allow_list: which policy domains get reports (Postfix's wish list).
 * DESCRIPTION
 *   Each table in turn is asked for the domain, then for its parents as ".example.com"; the
 *   first found allows it. The default static:all allows every domain. A table that cannot
 *   answer makes the answer unknown for now: the report waits for the next run.
 */
final class AllowList {

    /** The answer for one domain; {@code reason} says why when unknown. */
    record Verdict(Optional<Boolean> allowed, String reason) {
    }

    private final List<String> tables;
    private final DictRegistry registry;

    AllowList(List<String> tables, DictRegistry registry) {
        this.tables = tables;
        this.registry = registry;
    }

    Verdict check(String domain) {
        for (String table : tables) {
            for (String key = domain; key != null; key = parentKey(key)) {
                LookupResult r = registry.lookup(table, key);
                if (r instanceof LookupResult.Found) {
                    return new Verdict(Optional.of(true), "");
                }
                if (r instanceof LookupResult.TemporaryFailure t) {
                    return new Verdict(Optional.empty(), table + ": " + t.reason());
                }
                if (r instanceof LookupResult.ConfigurationError c) {
                    return new Verdict(Optional.empty(), table + ": " + c.reason());
                }
            }
        }
        return new Verdict(Optional.of(false), "not in smtp_tlsrpt_allow_list");
    }

    /** "a.b.example" → ".b.example" → ".example" → null. */
    private static String parentKey(String key) {
        int dot = key.indexOf('.', 1);
        return dot < 0 ? null : key.substring(dot);
    }
}
