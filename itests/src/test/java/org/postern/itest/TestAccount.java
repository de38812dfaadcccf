// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A local login made for one test (useradd, with a home directory under /tmp) and removed after
 * it. Needs root: without it the test is skipped with a message, or fails when
 * postern.itest.requireServices is set (CI).
 */
final class TestAccount implements AutoCloseable {

    private final String name;
    private final Path home;

    private TestAccount(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    static TestAccount create(String prefix) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (Boolean.getBoolean("postern.itest.requireServices") && !root) {
            throw new AssertionError("this test creates local accounts and needs root");
        }
        assumeTrue("skipped: creating a local test account needs root", root);
        String name = prefix + Long.toString(System.nanoTime() % 1_000_000, 36);
        Path home = Path.of("/tmp", "postern-it-" + name);
        exec("useradd", "-m", "-d", home.toString(), "-s", "/bin/sh", name);
        return new TestAccount(name, home);
    }

    String name() {
        return name;
    }

    Path home() {
        return home;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("pkill", "-KILL", "-u", name).start().waitFor();
        exec("userdel", "-r", name);
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 && !(command[0].equals("userdel") && out.contains("mail spool"))) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
    }

    /** A private directory under /tmp that other users can traverse (for an unpacked distribution). */
    static Path sharedWorkDirectory(String name) throws IOException {
        Path dir = Files.createTempDirectory("postern-" + name);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }
}
