// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.config.PostfixConfig;

/**
 * SUMMARY   The tables of one list-valued parameter (e.g. canonical_maps), opened once, searched
 *           in order; the first table that has the key answers (Postfix maps_find()).
 * SECURITY  Keys come from the network (addresses, header lines).
 */
final class TableList {

    private final String parameter;
    private final List<Dict> dicts;

    private TableList(String parameter, List<Dict> dicts) {
        this.parameter = parameter;
        this.dicts = List.copyOf(dicts);
    }

    static TableList open(PostfixConfig config, String parameter, DictRegistry registry) {
        List<Dict> out = new ArrayList<>();
        for (String spec : config.list(parameter)) {
            if (spec.indexOf(':') > 0) {
                out.add(registry.open(spec, Set.of(DictFlag.FOLD_CASE)));
            }
        }
        return new TableList(parameter, out);
    }

    static TableList empty(String parameter) {
        return new TableList(parameter, List.of());
    }

    String parameter() {
        return parameter;
    }

    boolean isEmpty() {
        return dicts.isEmpty();
    }

    /** The first value for {@code key}; with {@code partial}, pattern tables are skipped (access(5) partial keys). */
    Optional<String> find(String key, boolean partial) throws TableFailure {
        for (Dict d : dicts) {
            if (partial && d.flags().contains(DictFlag.PATTERN)) {
                continue;
            }
            LookupResult r = d.lookup(key);
            if (r instanceof LookupResult.Found) {
                return Optional.of(((LookupResult.Found) r).value());
            }
            if (r instanceof LookupResult.TemporaryFailure) {
                throw new TableFailure(parameter, d.spec(), ((LookupResult.TemporaryFailure) r).reason());
            }
            if (r instanceof LookupResult.ConfigurationError) {
                throw new TableFailure(parameter, d.spec(), ((LookupResult.ConfigurationError) r).reason());
            }
        }
        return Optional.empty();
    }

    /** A lookup failed: the message is deferred (451 4.3.0), never rejected. */
    static final class TableFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TableFailure(String parameter, String spec, String reason) {
            super(parameter + ": " + spec + ": table lookup problem: " + reason);
        }
    }
}
