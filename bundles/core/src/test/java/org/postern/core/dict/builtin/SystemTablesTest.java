// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/** fail:, environ: and unix: - the tables that answer from the system rather than from a file of their own. */
class SystemTablesTest {

    @Test
    void failLookupShouldAlwaysBeTemporaryFailure() throws DictException {
        Dict dict = new FailDictFactory().open("maintenance", Set.of(), null);
        assertThat(dict.lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(((LookupResult.TemporaryFailure) dict.lookup("a")).reason()).contains("fail:maintenance");
        assertThat(dict.flags()).contains(DictFlag.PATTERN);
        assertThatThrownBy(() -> new FailDictFactory().open("", Set.of(), null)).isInstanceOf(DictException.class);
    }

    @Test
    void environLookupShouldFoldKeyOnlyWithFoldCase() throws DictException {
        Map<String, String> env = Map.of("HOME", "/root", "lower", "yes");
        EnvironDictFactory factory = new EnvironDictFactory(env::get);
        Dict folded = factory.open("table", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(folded.lookup("LOWER")).isEqualTo(LookupResult.found("yes"));
        assertThat(folded.lookup("HOME")).isEqualTo(LookupResult.notFound());
        Dict exact = factory.open("table", Set.of(), null);
        assertThat(exact.lookup("HOME")).isEqualTo(LookupResult.found("/root"));
        assertThat(exact.lookup("")).isEqualTo(LookupResult.notFound());
        assertThat(exact.flags()).contains(DictFlag.FIXED);
    }

    @Test
    void unixLookupShouldReturnPasswdAndGroupLinesAsPostfixFormatsThem(@TempDir Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Path group = dir.resolve("group");
        Files.write(passwd, List.of("# comment", "root:x:0:0:root:/root:/bin/bash", "+nisuser::::::",
                "broken:line", "root:x:1:1:second:/:/bin/false", "joe:x:1000:1000:Joe User,,,:/home/joe:/bin/sh"));
        Files.write(group, List.of("root:x:0:", "mail:x:8:joe,root"));
        UnixDictFactory factory = new UnixDictFactory(passwd, group);
        Dict users = factory.open("passwd.byname", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(users.lookup("ROOT")).isEqualTo(LookupResult.found("root:x:0:0:root:/root:/bin/bash"));
        assertThat(users.lookup("joe")).isEqualTo(LookupResult.found("joe:x:1000:1000:Joe User,,,:/home/joe:/bin/sh"));
        assertThat(users.lookup("+nisuser")).isEqualTo(LookupResult.notFound());
        assertThat(users.lookup("broken")).isEqualTo(LookupResult.notFound());
        Dict groups = factory.open("group.byname", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(groups.lookup("root")).isEqualTo(LookupResult.found("root:x:0:"));
        assertThat(groups.lookup("mail")).isEqualTo(LookupResult.found("mail:x:8:joe,root"));
        assertThat(groups.flags()).contains(DictFlag.FIXED);
    }

    @Test
    void unixLookupShouldSeeFileChangesAndFailTemporarilyWhenFileIsGone(@TempDir Path dir) throws Exception {
        Path passwd = dir.resolve("passwd");
        Files.write(passwd, List.of("a:x:1:1::/:/bin/sh"));
        Dict users = new UnixDictFactory(passwd, dir.resolve("group")).open("passwd.byname", Set.of(), null);
        assertThat(users.lookup("b")).isEqualTo(LookupResult.notFound());
        Files.write(passwd, List.of("a:x:1:1::/:/bin/sh", "bb:x:2:2::/:/bin/sh"));
        assertThat(users.lookup("bb")).isEqualTo(LookupResult.found("bb:x:2:2::/:/bin/sh"));
        Files.delete(passwd);
        assertThat(users.lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void unixOpenShouldRefuseUnknownTable() {
        assertThatThrownBy(() -> new UnixDictFactory().open("passwd.byuid", Set.of(), null))
                .isInstanceOf(DictException.class).hasMessageContaining("unknown table: unix:passwd.byuid");
    }
}
