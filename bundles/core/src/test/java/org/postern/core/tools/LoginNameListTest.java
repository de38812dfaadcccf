// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.dict.builtin.CoreTables;

class LoginNameListTest {

    private final DictRegistryImpl tables = new DictRegistryImpl(Path.of("/nonexistent"));

    LoginNameListTest() {
        CoreTables.factories().forEach((type, f) -> tables.register(type, f.get(), "postern-core"));
    }

    private boolean matches(String list, String login) throws Exception {
        return new LoginNameList("authorized_submit_users", list, tables).matches(login);
    }

    @Test
    void postfixsDefaultLetsEveryoneIn() throws Exception {
        assertThat(matches("static:anyone", "joe")).isTrue();
    }

    @Test
    void namesAndExclusionsDecideInOrder() throws Exception {
        assertThat(matches("root, !static:all", "root")).isTrue();
        assertThat(matches("root, !static:all", "www-data")).isFalse();
        assertThat(matches("!www-data, static:anyone", "www-data")).isFalse();
        assertThat(matches("!www-data, static:anyone", "joe")).isTrue();
        assertThat(matches("", "joe")).isFalse();
    }

    @Test
    void tablesAreLookedUpByLoginName() throws Exception {
        assertThat(matches("inline:{ann=yes, bob=yes}", "bob")).isTrue();
        assertThat(matches("inline:{ann=yes, bob=yes}", "eve")).isFalse();
    }

    @Test
    void fileEntriesHoldMoreEntries(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("submitters");
        Files.writeString(file, "# who may send\nann\n!eve\n");
        assertThat(matches(file.toString(), "ann")).isTrue();
        assertThat(matches(file.toString(), "eve")).isFalse();
    }

    @Test
    void aFailingTableNeverOpensUp() {
        assertThatThrownBy(() -> matches("fail:broken", "joe")).isInstanceOf(LoginNameList.LookupFailure.class)
                .hasMessageContaining("fail:broken");
    }
}
