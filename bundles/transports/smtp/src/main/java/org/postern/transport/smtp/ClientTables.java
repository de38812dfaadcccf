// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;

/**
 * The lookup tables a client parameter names (smtp_generic_maps, smtp_sasl_password_maps),
 * opened through the table registry service, and the failure that defers a delivery when
 * one of them does not answer.
 */
final class ClientTables {

    /** A table did not answer (or there is no registry): defer, never go on without it. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private ClientTables() {
    }

    /** The tables, case-folded as Postfix's maps are; empty when no registry service is there. */
    static Optional<List<Dict>> open(List<String> specs, Supplier<DictRegistry> registry) {
        DictRegistry dicts = registry.get();
        if (dicts == null) {
            return Optional.empty();
        }
        List<Dict> tables = new ArrayList<>(specs.size());
        for (String spec : specs) {
            tables.add(dicts.open(spec, Set.of(DictFlag.FOLD_CASE)));
        }
        return Optional.of(tables);
    }

    /** The table's own words for a failed lookup. */
    static String reason(LookupResult result) {
        if (result instanceof LookupResult.TemporaryFailure t) {
            return t.reason();
        }
        if (result instanceof LookupResult.ConfigurationError c) {
            return c.reason();
        }
        return "";
    }
}
