// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterTableTest {

    private static final ConfigEnvironment ENV =
            new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com");

    private final ParameterTable table = ParameterTable.standard();

    @Test
    void standardTableShouldCoverParametersPosternReads() {
        for (String name : List.of("myhostname", "mydestination", "default_transport_maps", "smtpd_relay_restrictions",
                "smtpd_end_of_data_restrictions", "smtpd_tls_key_file", "default_destination_rate_delay",
                "maillog_file", "compatibility_level", "virtual_mailbox_maps", "nested_header_checks")) {
            assertThat(table.isKnown(name)).as(name).isTrue();
        }
    }

    @Test
    void defaultsShouldBeWrittenAsPostconfPrintsThem() {
        assertThat(table.find("mydestination").orElseThrow().defaultValue())
                .isEqualTo("$myhostname, localhost.$mydomain, localhost");
        assertThat(table.find("smtpd_timeout").orElseThrow().defaultValue()).isEqualTo("${stress?{10}:{300}}s");
        assertThat(table.find("default_transport_maps").orElseThrow().defaultValue()).isEmpty();
    }

    @Test
    void indexedTableDefaultsShouldBeLmdbWherePostfixSaysHash() {
        // Postern differs from Postfix (hash): alias_maps is not in PostconfDifferentialTest for this reason.
        assertThat(table.find("default_database_type").orElseThrow().defaultValue()).isEqualTo("lmdb");
        assertThat(table.find("alias_maps").orElseThrow().defaultValue()).isEqualTo("lmdb:/etc/aliases, nis:mail.aliases");
        assertThat(table.find("alias_database").orElseThrow().defaultValue()).isEqualTo("lmdb:/etc/aliases");
    }

    @Test
    void definitionsShouldBeSortedByName() {
        List<String> names = table.definitions().stream().map(ParameterDefinition::name).toList();
        assertThat(names).isSorted();
    }

    @Test
    void myhostnameDefaultShouldAppendMydomainOrLocaldomainToShortName() {
        ParameterDefinition d = table.find("myhostname").orElseThrow();
        ConfigEnvironment shortName = new ConfigEnvironment(Path.of("/c"), Path.of("/d"), "vm");
        assertThat(d.defaultValue(shortName, n -> null)).isEqualTo("vm.localdomain");
        assertThat(d.defaultValue(shortName, n -> n.equals("mydomain") ? "example.com" : null))
                .isEqualTo("vm.example.com");
        assertThat(d.defaultValue(ENV, n -> null)).isEqualTo("mx.example.com");
    }

    @Test
    void mydomainDefaultShouldDropFirstComponentOfMyhostname() {
        ParameterDefinition d = table.find("mydomain").orElseThrow();
        assertThat(d.defaultValue(ENV, n -> null)).isEqualTo("example.com");
        assertThat(d.defaultValue(ENV, n -> n.equals("myhostname") ? "a.b.example.org" : null))
                .isEqualTo("b.example.org");
        assertThat(d.defaultValue(ENV, n -> n.equals("myhostname") ? "nodot" : null)).isEqualTo("localdomain");
    }

    @Test
    void directoryDefaultsShouldComeFromRuntime() {
        assertThat(table.find("queue_directory").orElseThrow().defaultValue(ENV, n -> null))
                .isEqualTo("/var/lib/postern/queue");
        assertThat(table.find("data_directory").orElseThrow().defaultValue(ENV, n -> null))
                .isEqualTo("/var/lib/postern/data");
        assertThat(table.find("config_directory").orElseThrow().defaultValue(ENV, n -> null))
                .isEqualTo("/etc/postern");
    }

    @Test
    void validateShouldCheckBounds() {
        ParameterDefinition d = table.find("initial_destination_concurrency").orElseThrow();
        assertThatThrownBy(() -> d.validate("0")).hasMessage("invalid value: 0 (minimum 1)");
        d.validate("1");
        ParameterDefinition t = table.find("queue_run_delay").orElseThrow();
        assertThatThrownBy(() -> t.validate("0")).hasMessage("invalid value: 0 (minimum 1s)");
        ParameterDefinition big = table.find("smtpd_recipient_limit").orElseThrow();
        assertThatThrownBy(() -> big.validate("2147483648")).hasMessageContaining("bad numerical value");
    }

    @Test
    void validateShouldCheckEnumeratedValues() {
        ParameterDefinition d = table.find("smtpd_tls_security_level").orElseThrow();
        d.validate("");
        d.validate("may");
        assertThatThrownBy(() -> d.validate("maybe")).hasMessageStartingWith("bad value: maybe");
    }

    @Test
    void validateShouldAcceptSubSecondRateDelayOnly() {
        table.find("default_destination_rate_delay").orElseThrow().validate("250ms");
        assertThatThrownBy(() -> table.find("queue_run_delay").orElseThrow().validate("250ms"))
                .hasMessage("bad time value: 250ms");
    }

    @Test
    void tableShouldRejectDuplicateDefinitions() {
        assertThatThrownBy(() -> new ParameterTable(List.of(ParameterDefinition.string("a", ""),
                ParameterDefinition.string("a", "x")))).hasMessageContaining("duplicate");
    }
}
