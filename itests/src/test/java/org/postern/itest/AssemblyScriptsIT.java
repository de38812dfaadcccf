// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * The distribution as an administrator uses it from a plain shell: unpack the tar.gz,
 * bin/postfix start, then bin/postconf, bin/postmap, bin/postfix reload|check|stop, with
 * Postfix's output and exit statuses. Runs outside Pax Exam, against the real scripts.
 */
public class AssemblyScriptsIT {

    private static Distribution distribution;
    private static Path home;
    private static Run offlinePostconf;
    private static Run offlineCheck;

    @BeforeClass
    public static void unpackAndStart() throws Exception {
        distribution = Distribution.unpack("scripts-it");
        home = distribution.home();
        // Nothing here sends mail: keep the SMTP ports free for other tests and developers.
        distribution.listenOn(Distribution.freePort());

        // Postfix admins run these before "postfix start": they must work with nothing running.
        offlinePostconf = distribution.run("bin/postconf", "-nh", "compatibility_level");
        offlineCheck = distribution.run("bin/postfix", "check");

        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
    }

    @Test
    public void stopShouldWaitForTheJvmAndAStartRightAfterAStopShouldWork() throws Exception {
        long pid = Long.parseLong(Files.readString(home.resolve("karaf.pid")).strip());
        Run stop = distribution.run("bin/postfix", "stop");
        assertEquals(stop.toString(), 0, stop.status());
        assertFalse("Postern's JVM " + pid + " is gone when postfix stop returns", karafJvm(pid));
        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        // Karaf's bin/stop returns while the JVM is still stopping; postfix start waits for it
        // to end (Karaf's own start script refuses, silently, while it is there).
        distribution.stop();
        Run again = distribution.run("bin/postfix", "start");
        assertEquals(again.toString(), 0, again.status());
        assertEquals(0, distribution.run("bin/postfix", "status").status());
    }

    /** Whether {@code pid} is a running Karaf JVM (a zombie has no command line). */
    private static boolean karafJvm(long pid) throws IOException {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        return Files.exists(cmdline) && new String(Files.readAllBytes(cmdline), StandardCharsets.ISO_8859_1)
                .contains("karaf.main.Main");
    }

    @Test
    public void postconfAndCheckShouldWorkBeforeStart() {
        assertEquals(offlinePostconf.toString(), 0, offlinePostconf.status());
        assertEquals("3.6\n", offlinePostconf.out());
        assertEquals(offlineCheck.toString(), 0, offlineCheck.status());
    }

    @Test
    public void postconfShouldAcceptCombinedFlags() throws Exception {
        Run nh = distribution.run("bin/postconf", "-nh", "inet_interfaces");
        assertEquals(nh.toString(), "loopback-only\n", nh.out());
    }

    @Test
    public void postconfShouldPrintTheShippedSettings() throws Exception {
        Run n = distribution.run("bin/postconf", "-n");
        assertEquals(n.toString(), 0, n.status());
        assertTrue(n.out(), n.out().contains("compatibility_level = 3.6\n"));
        assertTrue(n.out(), n.out().contains("inet_interfaces = loopback-only\n"));

        Run d = distribution.run("bin/postconf", "-d", "message_size_limit");
        assertEquals("message_size_limit = 10240000\n", d.out());
    }

    @Test
    public void postconfEditShouldChangeMainCfAndKeepComments() throws Exception {
        Run e = distribution.run("bin/postconf", "-e", "myorigin = example.org");
        assertEquals(e.toString(), 0, e.status());

        assertEquals("example.org\n", distribution.run("bin/postconf", "-h", "myorigin").out());
        String mainCf = Files.readString(home.resolve("etc/postern/main.cf"));
        assertTrue(mainCf.contains("# Postern main.cf"));

        assertEquals(0, distribution.run("bin/postconf", "-X", "myorigin").status());
    }

    @Test
    public void postmapShouldAnswerWithPostfixExitStatuses() throws Exception {
        Path table = home.resolve("clients.cidr");
        Files.writeString(table, "192.0.2.0/24 REJECT test network\n192.0.2/24 BROKEN\n");

        Run found = distribution.run("bin/postmap", "-q", "192.0.2.7", "cidr:" + table);
        assertEquals(found.toString(), 0, found.status());
        assertEquals("REJECT test network\n", found.out());
        // A bad line is skipped with a warning on stderr, as Postfix's postmap does.
        assertTrue(found.err(), found.err().startsWith("postmap: warning: cidr map " + table + ", line 2: "));

        Run missing = distribution.run("bin/postmap", "-q", "198.51.100.1", "cidr:" + table);
        assertEquals(missing.toString(), 1, missing.status());
        assertEquals("", missing.out());

        // Relative names are relative to the caller's directory, as with Postfix's postmap.
        Run relative = distribution.run("bin/postmap", "-q", "192.0.2.9", "cidr:clients.cidr");
        assertEquals(relative.toString(), "REJECT test network\n", relative.out());

        Run unsupported = distribution.run("bin/postmap", "-q", "x", "demo:foo");
        assertEquals(1, unsupported.status());
        assertTrue(unsupported.err(), unsupported.err().contains("unsupported dictionary type: demo"));
    }

    @Test
    public void postmapShouldReadKeysFromStandardInput() throws Exception {
        Path keys = home.resolve("keys.txt");
        Files.writeString(keys, "Root\nnobody-here\n");

        Run run = distribution.runWithInput(keys, "bin/postmap", "-q", "-", "inline:{root=admin, daemon=sys}");
        assertEquals(run.toString(), 0, run.status());
        assertEquals("Root\tadmin\n", run.out()); // the key as given, as Postfix prints it
    }

    @Test
    public void reloadShouldRefuseABrokenMainCfAndKeepRunning() throws Exception {
        Path mainCf = home.resolve("etc/postern/main.cf");
        String good = Files.readString(mainCf);
        try {
            Files.writeString(mainCf, good + "message_size_limit = 10x\n");
            Run check = distribution.run("bin/postfix", "check");
            assertEquals(check.toString(), 1, check.status());
            assertTrue(check.err(), check.err().contains("main.cf, line"));
            assertTrue(check.err(), check.err().contains("message_size_limit"));

            Run reload = distribution.run("bin/postfix", "reload");
            assertEquals(reload.toString(), 1, reload.status());
            assertTrue(reload.err(), reload.err().contains("message_size_limit"));
        } finally {
            Files.writeString(mainCf, good);
        }
        assertEquals(0, distribution.run("bin/postfix", "reload").status());
        assertEquals(0, distribution.run("bin/postfix", "status").status());
    }

    @Test
    public void theShippedConfigurationShouldBeWritableByItsOwnerOnly() throws Exception {
        for (String f : new String[] {"etc/postern", "etc/postern/main.cf", "etc/postern/master.cf"}) {
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(f)));
            assertEquals(f + " " + mode, '-', mode.charAt(4));
            assertEquals(f + " " + mode, '-', mode.charAt(7));
        }
    }

    @Test
    public void theQueueAndTheTlsKeyShouldBePrivateToPosternsUser() throws Exception {
        Path data = home.resolve("data/postern");
        // The data directory only lets others pass through to public/tools, the tool socket.
        assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        for (Path d : new Path[] {data.resolve("queue"), data.resolve("queue/incoming"), data.resolve("queue/hold")}) {
            assertEquals(d.toString(), "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
        }
    }

    @Test
    public void reloadAndCheckShouldRefuseAMainCfOthersMayWrite() throws Exception {
        Path mainCf = home.resolve("etc/postern/main.cf");
        try {
            Files.setPosixFilePermissions(mainCf, PosixFilePermissions.fromString("rw-rw-rw-"));
            Run check = distribution.run("bin/postfix", "check");
            assertEquals(check.toString(), 1, check.status());
            assertTrue(check.err(), check.err().contains("postfix: fatal: " + mainCf.toAbsolutePath()
                    + " is writable by group or others (mode 0666); run chmod go-w "));

            Run reload = distribution.run("bin/postfix", "reload");
            assertEquals(reload.toString(), 1, reload.status());
            assertTrue(reload.err(), reload.err().contains("mode 0666"));
        } finally {
            Files.setPosixFilePermissions(mainCf, PosixFilePermissions.fromString("rw-r--r--"));
        }
        assertEquals(0, distribution.run("bin/postfix", "reload").status());
        assertEquals(0, distribution.run("bin/postfix", "status").status());
    }
}
