// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   Collects the values of one networked lookup into Postfix's answer.
 * DESCRIPTION
 *   Each raw value goes through result_format (values it drops are skipped); the answer
 *   joins them with commas. With expansion_limit > 0, one value more than the limit makes
 *   the lookup a temporary failure, as Postfix's dict_ldap/dict_mysql do, rather than a
 *   silently shortened list. No value at all is not-found.
 */
public final class ResultList {

    private final QueryTemplate resultFormat;
    private final int expansionLimit;
    private final String key;
    private final List<String> values = new ArrayList<>();
    private boolean overflow;

    /**
     * @param resultFormat   the table's result_format (default "%s")
     * @param expansionLimit the table's expansion_limit; 0 means no limit
     * @param key            the looked-up key, for %S %U %D %1..%9
     */
    public ResultList(QueryTemplate resultFormat, int expansionLimit, String key) {
        this.resultFormat = resultFormat;
        this.expansionLimit = expansionLimit;
        this.key = key;
    }

    /** Adds one raw value; false once the expansion limit is exceeded (stop reading). */
    public boolean add(String rawValue) {
        Optional<String> formatted = resultFormat.formatResult(rawValue, key);
        if (formatted.isEmpty()) {
            return !overflow;
        }
        if (expansionLimit > 0 && values.size() >= expansionLimit) {
            overflow = true;
            return false;
        }
        values.add(formatted.get());
        return true;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The answer: found (comma-joined), not-found, or a temporary failure naming {@code table}. */
    public LookupResult result(String table) {
        if (overflow) {
            return LookupResult.temporaryFailure(table + ": expansion limit " + expansionLimit
                    + " exceeded for key " + LogText.printable(key));
        }
        return values.isEmpty() ? LookupResult.notFound() : LookupResult.found(String.join(",", values));
    }
}
