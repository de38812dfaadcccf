// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/**
 * A private Dovecot that does authentication only: dovecot.conf, a passwd-file with
 * {@code {PLAIN}} passwords and the auth socket in a temporary directory, run in the foreground
 * (-F) as a child process. {@link #close()} stops it. Never touches /etc/dovecot or a system
 * daemon.
 */
public final class PrivateDovecot implements AutoCloseable {

    static final Path DOVECOT = Path.of("/usr/sbin/dovecot");

    private final Process process;
    private final Path dir;
    private final Path socket;

    private PrivateDovecot(Process process, Path dir, Path socket) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
    }

    /** Skips (or fails in CI) when Dovecot is not installed. */
    public static void assumeInstalled() {
        RequiredService.assume(Files.isExecutable(DOVECOT),
                DOVECOT + " is missing (apt-get install dovecot-core)");
    }

    /** Starts Dovecot with the users given as "name", "password" pairs; returns when the socket answers. */
    public static PrivateDovecot start(Path dir, String... users) throws Exception {
        StringBuilder passwd = new StringBuilder();
        for (int i = 0; i + 1 < users.length; i += 2) {
            passwd.append(users[i]).append(":{PLAIN}").append(users[i + 1]).append('\n');
        }
        Files.writeString(dir.resolve("users"), passwd);
        Path socket = dir.resolve("auth");
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, config(dir, socket));
        Process process = new ProcessBuilder(DOVECOT.toString(), "-F", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        PrivateDovecot dovecot = new PrivateDovecot(process, dir, socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String out = Files.readString(dir.resolve("dovecot.out"));
                dovecot.close();
                throw new IllegalStateException("dovecot did not start: " + out);
            }
            Thread.sleep(50);
        }
        return dovecot;
    }

    private static String config(Path dir, Path socket) {
        String user = "root".equals(System.getProperty("user.name")) ? "root" : System.getProperty("user.name");
        return String.join("\n",
                "protocols =",
                "base_dir = " + dir.resolve("run"),
                "state_dir = " + dir.resolve("state"),
                "log_path = " + dir.resolve("dovecot.log"),
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                "auth_failure_delay = 0",
                "default_internal_user = " + user,
                "default_internal_group = " + user,
                "default_login_user = " + user,
                "passdb {",
                "  driver = passwd-file",
                "  args = " + dir.resolve("users"),
                "}",
                "service auth {",
                "  unix_listener " + socket + " {",
                "    mode = 0666",
                "  }",
                "}",
                "service anvil {",
                "  chroot =",
                "}",
                "");
    }

    /** The auth client socket, for smtpd_sasl_path. */
    public Path socket() {
        return socket;
    }

    /** Dovecot's own log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("dovecot.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
