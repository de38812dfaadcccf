// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainCfEditorTest {

    private static final List<String> ORIGINAL = List.of(
            "# header comment",
            "mydestination = a,",
            "    b,",
            "# comment inside continuation",
            "    c",
            "relayhost = [x]",
            "",
            "myorigin = foo");

    private static List<String> edit(Map<String, String> set, List<String> remove) throws ConfigException {
        return MainCfEditor.apply(MainCf.parse(Path.of("main.cf"), ORIGINAL), set, remove);
    }

    @Test
    void setShouldReplaceLogicalLineAndKeepComments() throws Exception {
        // Matches "postconf -e 'mydestination = z'" on the same file.
        assertThat(edit(Map.of("mydestination", "z  "), List.of())).containsExactly(
                "# header comment",
                "mydestination = z",
                "# comment inside continuation",
                "relayhost = [x]",
                "",
                "myorigin = foo");
    }

    @Test
    void setShouldAppendNewParametersInGivenOrder() throws Exception {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("newp", "1");
        set.put("relayhost", "");
        set.put("mynetworks", "127.0.0.0/8");
        assertThat(edit(set, List.of())).endsWith("relayhost = ", "", "myorigin = foo", "newp = 1",
                "mynetworks = 127.0.0.0/8");
    }

    @Test
    void removeShouldDropLogicalLineOnly() throws Exception {
        assertThat(edit(Map.of(), List.of("mydestination", "nonexistent"))).containsExactly(
                "# header comment",
                "# comment inside continuation",
                "relayhost = [x]",
                "",
                "myorigin = foo");
    }

    @Test
    void setShouldCollapseDuplicateSettings() throws Exception {
        MainCf cf = MainCf.parse(null, List.of("a = 1", "b = 2", "a = 3"));
        assertThat(MainCfEditor.apply(cf, Map.of("a", "4"), List.of())).containsExactly("a = 4", "b = 2");
    }

    @Test
    void setShouldRefuseValueWithNewline() {
        assertThatThrownBy(() -> edit(Map.of("a", "1\nrelayhost = evil"), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void editShouldWriteAtomicallyKeepingPermissions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("main.cf");
        Files.write(file, ORIGINAL);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        MainCfEditor.edit(file, Map.of("relayhost", "[smarthost]"), List.of("myorigin"));
        assertThat(Files.readAllLines(file)).contains("relayhost = [smarthost]").doesNotContain("myorigin = foo");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void editShouldCreateMissingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("main.cf");
        MainCfEditor.edit(file, Map.of("a", "b"), List.of());
        assertThat(Files.readString(file)).isEqualTo("a = b\n");
    }
}
