// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.command.TypedCommandLine.candidates;
import static org.postern.core.command.TypedCommandLine.values;

import java.nio.file.Path;

import org.apache.karaf.shell.api.console.Candidate;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.dict.builtin.CoreTables;

class TableTypeCompleterTest {

    private final DictRegistryImpl registry = new DictRegistryImpl(Path.of("/etc/postern"));

    @BeforeEach
    void registerCoreTypes() {
        CoreTables.factories().forEach((type, factory) -> registry.register(type, factory.get(), "postern-core"));
    }

    @Test
    void completeShouldOfferTheRegisteredTypesWithTheirColon() {
        assertThat(values(new TableTypeCompleter(registry), "postern:postmap -q key t")).containsExactly("texthash:");
        assertThat(values(new TableTypeCompleter(registry), "postern:postmap u"))
                .containsExactly("unionmap:", "unix:");
    }

    @Test
    void completedTypeShouldLeaveTheArgumentOpenForTheFileName() {
        assertThat(candidates(new TableTypeCompleter(registry), "postern:postmap texth"))
                .extracting(Candidate::value, Candidate::complete)
                .containsExactly(Tuple.tuple("texthash:", false));
    }

    @Test
    void completeShouldFollowTheRegistry() {
        assertThat(values(new TableTypeCompleter(registry), "postern:postmap ci")).isEmpty();

        registry.register("cidr", CoreTables.factories().get("static").get(), "postern-map-cidr");

        assertThat(values(new TableTypeCompleter(registry), "postern:postmap ci")).containsExactly("cidr:");
    }
}
