// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileSafetyTest {

    private static final String ME = System.getProperty("user.name");

    @TempDir
    Path dir;

    private Path mainCf;
    private Path masterCf;

    @BeforeEach
    void safeFiles() throws IOException {
        mode(dir, "rwxr-xr-x");
        mainCf = Files.writeString(dir.resolve("main.cf"), "myhostname = mx.example.com\n");
        masterCf = Files.writeString(dir.resolve("master.cf"), "smtp inet n - n - - smtpd\n");
        mode(mainCf, "rw-r--r--");
        mode(masterCf, "rw-r--r--");
    }

    private static void mode(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    private static void assumeRoot() {
        Assumptions.assumeTrue("root".equals(ME),
                "changing a file's owner needs root; these owner checks run only as root");
    }

    private static void chown(Path p, String user) throws IOException {
        Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
    }

    @Test
    void filesOwnedByTheRunningUserAndWritableByItAloneShouldPass() throws ConfigException {
        assertThat(new ConfigFileSafety(ME).problems(dir)).isEmpty();
        new ConfigFileSafety(ME).check(dir);
    }

    @Test
    void privateModesShouldPass() throws IOException {
        mode(dir, "rwx------");
        mode(mainCf, "rw-------");
        mode(masterCf, "r--------");

        assertThat(new ConfigFileSafety(ME).problems(dir)).isEmpty();
    }

    @Test
    void aWorldWritableMainCfShouldBeRefusedNamingFileModeAndFix() throws IOException {
        mode(mainCf, "rw-rw-rw-");

        assertThatThrownBy(() -> new ConfigFileSafety(ME).check(dir)).isInstanceOf(ConfigException.class)
                .hasMessage(mainCf + " is writable by group or others (mode 0666); run chmod go-w " + mainCf);
    }

    @Test
    void aGroupWritableMasterCfShouldBeRefused() throws IOException {
        mode(masterCf, "rw-rw-r--");

        assertThat(new ConfigFileSafety(ME).problems(dir)).containsExactly(
                masterCf + " is writable by group or others (mode 0664); run chmod go-w " + masterCf);
    }

    @Test
    void aWritableConfigurationDirectoryShouldBeRefusedFirst() throws IOException {
        mode(dir, "rwxrwxrwx");
        mode(mainCf, "rw-rw----");

        assertThat(new ConfigFileSafety(ME).problems(dir)).containsExactly(
                dir + " is writable by group or others (mode 0777); run chmod go-w " + dir,
                mainCf + " is writable by group or others (mode 0660); run chmod go-w " + mainCf);
    }

    @Test
    void aMissingMasterCfShouldNotBeAProblem() throws IOException {
        Files.delete(masterCf);

        assertThat(new ConfigFileSafety(ME).problems(dir)).isEmpty();
    }

    @Test
    void aMainCfOwnedByAnotherUserShouldBeRefusedNamingTheOwner() throws IOException {
        assumeRoot();
        chown(mainCf, "nobody");

        assertThat(new ConfigFileSafety("postern").problems(dir)).containsExactly(
                mainCf + " is owned by nobody, not by root or by the user Postern runs as (postern); run chown postern "
                        + mainCf);
    }

    @Test
    void filesOwnedByTheUserPosternRunsAsShouldPass() throws IOException {
        assumeRoot();
        chown(dir, "nobody");
        chown(mainCf, "nobody");
        chown(masterCf, "nobody");

        assertThat(new ConfigFileSafety("nobody").problems(dir)).isEmpty();
    }

    @Test
    void filesOwnedByRootShouldPassWhenPosternRunsAsAnotherUser() {
        assumeRoot();

        assertThat(new ConfigFileSafety("postern").problems(dir)).isEmpty();
    }
}
