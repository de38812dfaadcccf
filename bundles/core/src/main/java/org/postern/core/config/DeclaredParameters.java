// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   The parameter sets of the plugins active now, merged with core's table.
 * DESCRIPTION
 *   The whiteboard's memory: {@link #add} when a plugin's {@link ParameterSet} service
 *   appears, {@link #remove} when it goes; {@link #table(Consumer)} is core's table plus every
 *   set, in the order they arrived (a conflicting later declaration is reported and left out,
 *   see {@link ParameterTable#with(java.util.Collection, Consumer)}). Thread-safe.
 */
public final class DeclaredParameters {

    private final List<ParameterSet> sets = new CopyOnWriteArrayList<>();

    public void add(ParameterSet set) {
        sets.add(set);
    }

    public void remove(ParameterSet set) {
        sets.remove(set);
    }

    /** Core's table with the active plugins' declarations. */
    public ParameterTable table(Consumer<String> conflicts) {
        List<Parameter> all = new ArrayList<>();
        for (ParameterSet set : sets) {
            all.addAll(set.parameters());
        }
        return ParameterTable.standard().with(all, conflicts);
    }
}
