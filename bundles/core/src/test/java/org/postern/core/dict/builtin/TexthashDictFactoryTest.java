// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class TexthashDictFactoryTest {
    static final List<String> SOURCE = List.of(
            "# comment",
            "key1 value one",
            "Key2\tv2  ",
            "key1 dup",
            "cont a",
            "  b",
            "   # comment inside an entry",
            " c",
            "novalue",
            "  ",
            "key3:  colon",
            "\"quoted key\" x",
            "key4\t\t");

    private final List<String> warnings = new ArrayList<>();

    private Dict open(Path dir, Set<DictFlag> flags) throws Exception {
        Path file = dir.resolve("th.txt");
        Files.write(file, SOURCE);
        return TexthashDictFactory.open(file.toString(), flags, null, warnings::add);
    }

    @Test
    void lookupShouldReadPostmapSourceFormat(@TempDir Path dir) throws Exception {
        Dict dict = open(dir, Set.of(DictFlag.FOLD_CASE));
        assertThat(dict.lookup("key1")).isEqualTo(LookupResult.found("value one"));
        assertThat(dict.lookup("KEY2")).isEqualTo(LookupResult.found("v2"));
        assertThat(dict.lookup("cont")).isEqualTo(LookupResult.found("a  b c"));
        assertThat(dict.lookup("key3:")).isEqualTo(LookupResult.found("colon"));
        assertThat(dict.lookup("\"quoted key\"")).isEqualTo(LookupResult.found("x"));
        assertThat(dict.lookup("novalue")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("key4")).isEqualTo(LookupResult.notFound());
        assertThat(dict.flags()).contains(DictFlag.FIXED);
    }

    @Test
    void loadShouldWarnWithFileAndLineAndKeepFirstDuplicateAsPostmapDoes(@TempDir Path dir) throws Exception {
        open(dir, Set.of(DictFlag.FOLD_CASE));
        String file = dir.resolve("th.txt").toString();
        assertThat(warnings).containsExactly(
                file + ", line 4: duplicate entry: \"key1\"",
                file + ", line 9: expected format: key whitespace value -- ignoring this line",
                file + ", line 11: record is in \"key: value\" format; is this an alias file?",
                file + ", line 13: expected format: key whitespace value -- ignoring this line");
    }

    @Test
    void iterationShouldListEntriesInFileOrder(@TempDir Path dir) throws Exception {
        Map<String, String> seen = new LinkedHashMap<>();
        open(dir, Set.of(DictFlag.FOLD_CASE)).forEach(seen::put);
        assertThat(seen.keySet()).containsExactly("key1", "key2", "cont", "key3:", "\"quoted key\"");
    }

    @Test
    void lookupShouldKeepCaseWithoutFoldCase(@TempDir Path dir) throws Exception {
        Dict dict = open(dir, Set.of());
        assertThat(dict.lookup("Key2")).isEqualTo(LookupResult.found("v2"));
        assertThat(dict.lookup("key2")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void openShouldResolveRelativeNameAndFailOnMissingFile(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("rel"), List.of("a b"));
        FactoryRegistry context = FactoryRegistry.withBuiltins(dir);
        assertThat(new TexthashDictFactory().open("rel", Set.of(), context).lookup("a")).isEqualTo(LookupResult.found("b"));
        assertThatThrownBy(() -> new TexthashDictFactory().open("missing", Set.of(), context))
                .isInstanceOf(DictException.class).hasMessageContaining("No such file");
    }
}
