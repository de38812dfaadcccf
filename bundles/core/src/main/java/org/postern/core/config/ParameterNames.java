// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * SUMMARY   The parameter names postconf knows, for completion in the shell.
 * DESCRIPTION
 *   With a loaded configuration: every name of its parameter table, every name set in
 *   main.cf, and the per-transport names master.cf's delivery services bring
 *   ({@code relay_destination_concurrency_limit}, see {@link ServiceParameters}). Without one:
 *   the standard parameter table's names.
 */
public final class ParameterNames {

    private ParameterNames() {
    }

    public static SortedSet<String> known(Optional<LoadedConfig> loaded) {
        SortedSet<String> names = new TreeSet<>();
        if (loaded.isEmpty()) {
            ParameterTable.standard().definitions().forEach(d -> names.add(d.name()));
            return names;
        }
        names.addAll(loaded.get().main().names());
        loaded.get().master().ifPresent(m -> names.addAll(ServiceParameters.of(m).keySet()));
        return names;
    }
}
