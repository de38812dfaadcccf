// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The distribution as an administrator uses it from a plain shell: unpack the tar.gz,
 * bin/postfix start, then bin/postconf, bin/postmap, bin/postfix reload|check|stop, with
 * Postfix's output and exit statuses. Runs outside Pax Exam, against the real scripts.
 */
public class AssemblyScriptsIT {

    private static Path home;
    private static Run offlinePostconf;
    private static Run offlineCheck;

    record Run(int status, String out, String err) {
    }

    @BeforeClass
    public static void unpackAndStart() throws Exception {
        Path work = Path.of("target", "scripts-it").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);
        exec(work, "tar", "xzf", System.getProperty("postern.assembly"));
        try (Stream<Path> dirs = Files.list(work)) {
            home = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        // Our own SSH port, so that a Postern the developer runs on 8101 is not disturbed.
        Path shellCfg = home.resolve("etc/org.apache.karaf.shell.cfg");
        String cfg = Files.readString(shellCfg).replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + freePort());
        Files.writeString(shellCfg, cfg);

        // Postfix admins run these before "postfix start": they must work with nothing running.
        offlinePostconf = exec(home, "bin/postconf", "-nh", "compatibility_level");
        offlineCheck = exec(home, "bin/postfix", "check");

        Run start = exec(home, "bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
    }

    @AfterClass
    public static void stop() throws Exception {
        if (home != null) {
            exec(home, "bin/stop");
        }
    }

    @Test
    public void postconfAndCheckShouldWorkBeforeStart() {
        assertEquals(offlinePostconf.toString(), 0, offlinePostconf.status());
        assertEquals("3.6\n", offlinePostconf.out());
        assertEquals(offlineCheck.toString(), 0, offlineCheck.status());
    }

    @Test
    public void postconfShouldAcceptCombinedFlags() throws Exception {
        Run nh = exec(home, "bin/postconf", "-nh", "inet_interfaces");
        assertEquals(nh.toString(), "loopback-only\n", nh.out());
    }

    @Test
    public void postconfShouldPrintTheShippedSettings() throws Exception {
        Run n = exec(home, "bin/postconf", "-n");
        assertEquals(n.toString(), 0, n.status());
        assertTrue(n.out(), n.out().contains("compatibility_level = 3.6\n"));
        assertTrue(n.out(), n.out().contains("inet_interfaces = loopback-only\n"));

        Run d = exec(home, "bin/postconf", "-d", "message_size_limit");
        assertEquals("message_size_limit = 10240000\n", d.out());
    }

    @Test
    public void postconfEditShouldChangeMainCfAndKeepComments() throws Exception {
        Run e = exec(home, "bin/postconf", "-e", "myorigin = example.org");
        assertEquals(e.toString(), 0, e.status());

        assertEquals("example.org\n", exec(home, "bin/postconf", "-h", "myorigin").out());
        String mainCf = Files.readString(home.resolve("etc/postern/main.cf"));
        assertTrue(mainCf.contains("# Postern main.cf"));

        assertEquals(0, exec(home, "bin/postconf", "-X", "myorigin").status());
    }

    @Test
    public void postmapShouldAnswerWithPostfixExitStatuses() throws Exception {
        Path table = home.resolve("clients.cidr");
        Files.writeString(table, "192.0.2.0/24 REJECT test network\n192.0.2/24 BROKEN\n");

        Run found = exec(home, "bin/postmap", "-q", "192.0.2.7", "cidr:" + table);
        assertEquals(found.toString(), 0, found.status());
        assertEquals("REJECT test network\n", found.out());
        // A bad line is skipped with a warning on stderr, as Postfix's postmap does.
        assertTrue(found.err(), found.err().startsWith("postmap: warning: cidr map " + table + ", line 2: "));

        Run missing = exec(home, "bin/postmap", "-q", "198.51.100.1", "cidr:" + table);
        assertEquals(missing.toString(), 1, missing.status());
        assertEquals("", missing.out());

        // Relative names are relative to the caller's directory, as with Postfix's postmap.
        Run relative = exec(home, "bin/postmap", "-q", "192.0.2.9", "cidr:clients.cidr");
        assertEquals(relative.toString(), "REJECT test network\n", relative.out());

        Run unsupported = exec(home, "bin/postmap", "-q", "x", "demo:foo");
        assertEquals(1, unsupported.status());
        assertTrue(unsupported.err(), unsupported.err().contains("unsupported dictionary type: demo"));
    }

    @Test
    public void postmapShouldReadKeysFromStandardInput() throws Exception {
        Path keys = home.resolve("keys.txt");
        Files.writeString(keys, "Root\nnobody-here\n");

        Run run = execWithInput(home, keys, "bin/postmap", "-q", "-", "inline:{root=admin, daemon=sys}");
        assertEquals(run.toString(), 0, run.status());
        assertEquals("Root\tadmin\n", run.out()); // the key as given, as Postfix prints it
    }

    @Test
    public void reloadShouldRefuseABrokenMainCfAndKeepRunning() throws Exception {
        Path mainCf = home.resolve("etc/postern/main.cf");
        String good = Files.readString(mainCf);
        try {
            Files.writeString(mainCf, good + "message_size_limit = 10x\n");
            Run check = exec(home, "bin/postfix", "check");
            assertEquals(check.toString(), 1, check.status());
            assertTrue(check.err(), check.err().contains("main.cf, line"));
            assertTrue(check.err(), check.err().contains("message_size_limit"));

            Run reload = exec(home, "bin/postfix", "reload");
            assertEquals(reload.toString(), 1, reload.status());
            assertTrue(reload.err(), reload.err().contains("message_size_limit"));
        } finally {
            Files.writeString(mainCf, good);
        }
        assertEquals(0, exec(home, "bin/postfix", "reload").status());
        assertEquals(0, exec(home, "bin/postfix", "status").status());
    }

    private static Run exec(Path dir, String... command) throws IOException, InterruptedException {
        return execWithInput(dir, Path.of("/dev/null"), command);
    }

    private static Run execWithInput(Path dir, Path stdin, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(command));
        if (argv.get(0).startsWith("bin/")) {
            argv.set(0, dir.resolve(argv.get(0)).toString());
        }
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile());
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

    private static int freePort() throws IOException {
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
