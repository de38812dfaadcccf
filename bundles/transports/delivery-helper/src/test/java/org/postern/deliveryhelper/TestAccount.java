// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A system account made with useradd(8) for one test class and removed with userdel(8) after it. */
final class TestAccount implements AutoCloseable {
    final String name;
    final int uid;
    final int gid;
    final Path home;

    private TestAccount(String name, int uid, int gid, Path home) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.home = home;
    }

    /** Creates the account with its home directory {@code home} (created, owned by it, mode 0700). */
    static TestAccount create(Path home) throws IOException, InterruptedException {
        String name = "pdh" + Long.toString(ProcessHandle.current().pid(), 36);
        run("/usr/sbin/useradd", "--system", "--user-group", "--create-home", "--home-dir", home.toString(),
                "--shell", "/bin/sh", name);
        String[] pw = run("getent", "passwd", name).strip().split(":");
        return new TestAccount(name, Integer.parseInt(pw[2]), Integer.parseInt(pw[3]), home);
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("/usr/sbin/userdel", "--remove", name);
    }
}
