// SPDX-License-Identifier: Apache-2.0
package org.postern.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.config.ConfigEnvironment;

/** A main.cf others could have written takes the path of a broken one: start, reload, check. */
class PosternConfigurationSafetyTest {

    @TempDir
    Path dir;

    private Path etc;
    private Path mainCf;
    private PosternConfiguration configuration;

    @BeforeEach
    void files() throws IOException {
        etc = Files.createDirectories(dir.resolve("etc"));
        mainCf = Files.writeString(etc.resolve("main.cf"), "myhostname = mx.example.com\n");
        Files.setPosixFilePermissions(mainCf, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        configuration = new PosternConfiguration(new ConfigEnvironment(etc, dir.resolve("data"), "mx.example.org"));
    }

    private void worldWritable() throws IOException {
        Files.setPosixFilePermissions(mainCf, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private String refusal() {
        return mainCf + " is writable by group or others (mode 0666); run chmod go-w " + mainCf;
    }

    @Test
    void startShouldNotLoadAWorldWritableMainCf() throws IOException {
        worldWritable();

        configuration.activate();

        assertThat(configuration.current()).isEmpty();
    }

    @Test
    void reloadShouldRefuseAWorldWritableMainCfAndKeepTheRunningConfiguration() throws IOException {
        configuration.activate();
        PosternConfiguration.Loaded running = configuration.current().orElseThrow();
        Files.writeString(mainCf, "myhostname = other.example.com\n");
        worldWritable();

        assertThat(configuration.reload()).containsExactly(refusal());

        assertThat(configuration.current()).containsSame(running);
        assertThat(running.config().main().get("myhostname")).isEqualTo("mx.example.com");
    }

    @Test
    void checkShouldReportAWorldWritableMainCfAsFatal() throws IOException {
        worldWritable();

        assertThat(configuration.check()).containsExactly("fatal: " + refusal());
    }

    @Test
    void startShouldCreateTheDataDirectoryPassableButNotListable() {
        configuration.activate();

        assertThat(modeOf(dir.resolve("data"))).isEqualTo("rwx--x--x");
    }

    @Test
    void startShouldTightenAnExistingDataDirectory() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        configuration.activate();

        assertThat(modeOf(data)).isEqualTo("rwx--x--x");
    }

    private static String modeOf(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
