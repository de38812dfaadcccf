// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The distribution tar.gz unpacked into target/NAME and driven through its bin/ scripts, as an
 * administrator does from a plain shell. Each instance gets its own SSH console port.
 */
final class Distribution {

    /** What a command printed and its exit status. */
    record Run(int status, String out, String err) {
    }

    private final Path home;

    private Distribution(Path home) {
        this.home = home;
    }

    static Distribution unpack(String name) throws IOException, InterruptedException {
        return unpackIn(Path.of("target", name).toAbsolutePath());
    }

    /**
     * Unpacks into {@code work}, which other local users can reach (mode 0755 up the path):
     * tests that run tools as a test account use a directory under /tmp.
     */
    static Distribution unpackIn(Path work) throws IOException, InterruptedException {
        deleteTree(work);
        Files.createDirectories(work);
        Run tar = exec(work, Path.of("/dev/null"), "tar", "xzf", System.getProperty("postern.assembly"));
        if (tar.status() != 0) {
            throw new IOException("tar: " + tar.err());
        }
        Path home;
        try (Stream<Path> dirs = Files.list(work)) {
            home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Distribution d = new Distribution(home);
        // Our own console port, so that a Postern the developer runs on 8101 is not disturbed.
        d.edit("etc/org.apache.karaf.shell.cfg", "(?m)^sshPort\\s*=.*$", "sshPort = " + freePort());
        d.createConsoleLogin();
        return d;
    }

    /** The console login these tests use: the distribution ships none (bin/postern-admin makes one). */
    static final String CONSOLE_USER = "itest";
    private static final String CONSOLE_PASSWORD = "itest-" + Long.toHexString(System.nanoTime());

    private void createConsoleLogin() throws IOException, InterruptedException {
        Path input = Files.createTempFile("postern-it", ".pw");
        try {
            Files.writeString(input, CONSOLE_PASSWORD + "\n");
            Run passwd = runWithInput(input, "bin/postern-admin", "passwd", CONSOLE_USER);
            if (passwd.status() != 0) {
                throw new IOException("bin/postern-admin passwd: " + passwd);
            }
        } finally {
            Files.delete(input);
        }
    }

    Path home() {
        return home;
    }

    /** Moves master.cf's smtpd listener to 127.0.0.1:{@code smtpPort} and its submission listener to a free port. */
    void listenOn(int smtpPort) throws IOException {
        // freePort() may hand out a port it gave before (nothing holds it): three distinct ones.
        Set<Integer> ports = new LinkedHashSet<>(List.of(smtpPort));
        while (ports.size() < 3) {
            ports.add(freePort());
        }
        Iterator<Integer> port = ports.iterator();
        edit("etc/postern/master.cf", "(?m)^2525 ", "127.0.0.1:" + port.next() + " ");
        edit("etc/postern/master.cf", "(?m)^2587 ", "127.0.0.1:" + port.next() + " ");
        edit("etc/postern/master.cf", "(?m)^2465 ", "127.0.0.1:" + port.next() + " ");
    }

    /** Replaces every match of {@code regex} in a distribution file. */
    void edit(String file, String regex, String replacement) throws IOException {
        Path p = home.resolve(file);
        Files.writeString(p, Files.readString(p).replaceAll(regex, replacement));
    }

    /** Runs {@code command} as another local user (runuser), bin/ names resolved in the distribution. */
    Run runAs(String user, Path stdin, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("runuser", "-u", user, "--"));
        for (String word : command) {
            argv.add(word.startsWith("bin/") ? home.resolve(word).toString() : word);
        }
        return runWithInput(stdin, argv.toArray(String[]::new));
    }

    Run run(String... command) throws IOException, InterruptedException {
        return runWithInput(Path.of("/dev/null"), command);
    }

    Run runWithInput(Path stdin, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(command));
        if (argv.get(0).startsWith("bin/")) {
            argv.set(0, home.resolve(argv.get(0)).toString());
        }
        return exec(home, stdin, argv.toArray(String[]::new));
    }

    /** Runs one Karaf console command (feature:install, bundle:update ...) over the distribution's SSH port. */
    Run console(String command) throws IOException, InterruptedException {
        String cfg = Files.readString(home.resolve("etc/org.apache.karaf.shell.cfg"));
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("(?m)^sshPort\\s*=\\s*(\\d+)").matcher(cfg);
        if (!port.find()) {
            throw new IOException("no sshPort in etc/org.apache.karaf.shell.cfg");
        }
        Path input = Files.createTempFile("postern-it", ".cmd");
        try {
            Files.writeString(input, command + "\n");
            return runWithInput(input, "bin/client", "-a", port.group(1), "-u", CONSOLE_USER, "-p", CONSOLE_PASSWORD, "-b", "-r", "30", "-d", "1");
        } finally {
            Files.delete(input);
        }
    }

    void stop() throws IOException, InterruptedException {
        run("bin/stop");
    }

    private static Run exec(Path dir, Path stdin, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        File out = File.createTempFile("postern-it", ".out");
        File err = File.createTempFile("postern-it", ".err");
        pb.redirectOutput(out).redirectError(err).redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": no exit within 180 s");
        }
        Run run = new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8));
        Files.delete(out.toPath());
        Files.delete(err.toPath());
        return run;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
