// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictRegistry;

class TableConfigTest {

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private DictContext context() {
        return new DictContext() {
            @Override
            public Path configDirectory() {
                return dir;
            }

            @Override
            public DictRegistry registry() {
                return null;
            }

            @Override
            public void warn(String message) {
                warnings.add(message);
            }
        };
    }

    @Test
    void readsMainCfSyntaxRelativeToTheConfigDirectory() throws Exception {
        Files.writeString(dir.resolve("users.cf"), """
                # LDAP users
                server_host = ldap://a.example,
                    ldap://b.example
                search_base = dc=example, dc=com
                timeout = 7
                start_tls = yes
                """);
        TableConfig config = TableConfig.open("ldap", "users.cf", context());
        assertThat(config.list("server_host")).containsExactly("ldap://a.example", "ldap://b.example");
        assertThat(config.string("search_base", "")).isEqualTo("dc=example, dc=com");
        assertThat(config.integer("timeout", 10, 0)).isEqualTo(7);
        assertThat(config.bool("start_tls", false)).isTrue();
        assertThat(config.integer("size_limit", 0, 0)).isZero();
        assertThat(config.unknown(Set.of("server_host", "search_base", "timeout"))).containsExactly("start_tls");
    }

    @Test
    void warnUnknownShouldNameEachUnknownParameterOnceInTheDefaultOrOwnWording() throws Exception {
        Files.writeString(dir.resolve("typos.cf"), "hosts = db\nquer = x\nbackpu = y\n");
        TableConfig config = TableConfig.open("redis", "typos.cf", context());
        config.warnUnknown(Set.of("hosts"), context());
        assertThat(warnings).containsExactly(dir.resolve("typos.cf") + ": unknown parameter backpu ignored",
                dir.resolve("typos.cf") + ": unknown parameter quer ignored");
        warnings.clear();
        config.warnUnknown(Set.of("hosts", "backpu"), context(),
                name -> config.error(name, "unknown parameter, ignored").getMessage());
        assertThat(warnings).containsExactly(dir.resolve("typos.cf") + ", line 2: quer: unknown parameter, ignored");
        warnings.clear();
        config.warnUnknown(Set.of("hosts", "quer", "backpu"), context());
        assertThat(warnings).isEmpty();
    }

    @Test
    void errorsNameFileLineAndParameter() throws Exception {
        Files.writeString(dir.resolve("bad.cf"), "hosts = db\n\ntimeout = ten\n");
        TableConfig config = TableConfig.open("mysql", "bad.cf", context());
        assertThatThrownBy(() -> config.integer("timeout", 10, 0))
                .isInstanceOf(DictException.class)
                .hasMessage(dir.resolve("bad.cf") + ", line 3: timeout: bad numerical value: ten");
        assertThatThrownBy(() -> config.required("query"))
                .hasMessage(dir.resolve("bad.cf") + ": parameter query is required but not set");
    }

    @Test
    void rejectsALineWithoutEquals() throws Exception {
        Files.writeString(dir.resolve("typo.cf"), "hosts db\n");
        assertThatThrownBy(() -> TableConfig.open("mysql", "typo.cf", context()))
                .hasMessageContaining("typo.cf, line 1: missing '='");
    }

    @Test
    void missingFileIsAnOpenError() {
        assertThatThrownBy(() -> TableConfig.open("pgsql", "/nonexistent/x.cf", context()))
                .hasMessage("open /nonexistent/x.cf: No such file or directory");
    }

    @Test
    void acceptsInlineSpecification() throws Exception {
        TableConfig config = TableConfig.open("ldap", "{ {server_host = ldap://h}, {version = 3} }", context());
        assertThat(config.integer("version", 2, 2)).isEqualTo(3);
        assertThat(config.list("server_host")).isEqualTo(List.of("ldap://h"));
    }
}
