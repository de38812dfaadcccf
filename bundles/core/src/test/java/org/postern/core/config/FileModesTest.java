// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileModesTest {

    @TempDir
    Path dir;

    @Test
    void octalShouldSpellModesAsChmodDoes() {
        assertThat(FileModes.octal(PosixFilePermissions.fromString("rwxr-xr-x"))).isEqualTo("0755");
        assertThat(FileModes.octal(PosixFilePermissions.fromString("rw-rw-rw-"))).isEqualTo("0666");
        assertThat(FileModes.octal(PosixFilePermissions.fromString("rw-r-----"))).isEqualTo("0640");
        assertThat(FileModes.octal(PosixFilePermissions.fromString("--------x"))).isEqualTo("0001");
        assertThat(FileModes.octal(FileModes.PRIVATE_DIRECTORY)).isEqualTo("0700");
        assertThat(FileModes.octal(FileModes.PRIVATE_FILE)).isEqualTo("0600");
    }

    @Test
    void privateDirectoryShouldCreateTheDirectoryAndMissingParentsWithMode0700() throws IOException {
        Path d = dir.resolve("a/b");

        assertThat(FileModes.privateDirectory(d)).isEmpty();

        assertThat(Files.getPosixFilePermissions(d)).isEqualTo(FileModes.PRIVATE_DIRECTORY);
        assertThat(Files.getPosixFilePermissions(dir.resolve("a"))).isEqualTo(FileModes.PRIVATE_DIRECTORY);
    }

    @Test
    void privateDirectoryShouldTightenAnExistingDirectoryAndSayWhatItWas() throws IOException {
        Path d = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(FileModes.privateDirectory(d)).contains("0755");

        assertThat(Files.getPosixFilePermissions(d)).isEqualTo(FileModes.PRIVATE_DIRECTORY);
        assertThat(FileModes.privateDirectory(d)).isEmpty();
    }

    @Test
    void privateDirectoryShouldRefuseAFileInItsPlace() throws IOException {
        Path file = Files.createFile(dir.resolve("file"));

        assertThatThrownBy(() -> FileModes.privateDirectory(file)).hasMessageContaining("not a directory");
    }

    @Test
    void privateDirectoryShouldTightenTheDirectoryALinkNames() throws IOException {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), elsewhere);

        assertThat(FileModes.privateDirectory(link)).contains("0775");

        assertThat(Files.getPosixFilePermissions(elsewhere)).isEqualTo(FileModes.PRIVATE_DIRECTORY);
    }
}
