// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * The normal deployment: bin/postern-install prepares the unpacked distribution for an
 * unprivileged user, the privileged delivery helper runs as root, Karaf runs as that user
 * with no capabilities at all (setpriv, as postern.service would start it, without systemd),
 * and mail for a local account lands in its spool mailbox, owned by it. Without the helper,
 * the next message is deferred. Needs root, setpriv and useradd; skipped otherwise. Creates
 * two accounts and removes them afterwards.
 */
public class UnprivilegedRuntimeIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static Distribution distribution;
    private static Path home;
    private static Path spool;
    private static Path units;
    private static String posternUser;
    private static String recipient;
    private static Run install;
    private static Run installAgain;
    private static Process helper;
    private static Process karaf;
    private static int smtpPort;
    private static Path socketDirectory;

    @BeforeClass
    public static void installAndStart() throws Exception {
        Assume.assumeTrue("skipped: needs root to create users and start the helper", isRoot());
        Assume.assumeTrue("skipped: needs setpriv(1) and useradd(8)",
                new File("/usr/bin/setpriv").canExecute() && new File("/usr/sbin/useradd").canExecute());
        String suffix = Long.toString(ProcessHandle.current().pid(), 36);
        posternUser = "pstit" + suffix;
        recipient = "rcptit" + suffix;
        // Under /tmp, so that the local user of the tool tests can reach bin/ whatever the build path is.
        distribution = Distribution.unpackIn(TestAccount.sharedWorkDirectory("unprivileged-it"));
        home = distribution.home();
        Path work = home.getParent();
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        spool = Files.createDirectory(work.resolve("spool"));
        units = work.resolve("units");
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
        // target/ is deep: the default socket path would pass the 107 bytes a UNIX-domain socket may have
        socketDirectory = Files.createTempDirectory("pstit");
        Files.setPosixFilePermissions(socketDirectory, PosixFilePermissions.fromString("rwx--x--x"));
        Path socket = socketDirectory.resolve("delivery-helper");
        Files.writeString(home.resolve("etc/postern/main.cf"), "\nmail_spool_directory = " + spool
                + "\ndelivery_helper_socket = " + socket
                + "\nheader_checks = regexp:{{/^Subject: hold-me/ HOLD}}\n", java.nio.file.StandardOpenOption.APPEND);
        exec("/usr/sbin/useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", recipient);

        install = distribution.run("bin/postern-install", "--user", posternUser, "--systemd", "--unit-directory",
                units.toString());
        installAgain = distribution.run("bin/postern-install", "--user", posternUser, "--systemd",
                "--unit-directory", units.toString());

        helper = new ProcessBuilder(JAVA, "-cp", home.resolve("lib/delivery-helper") + "/*",
                "org.postern.deliveryhelper.DeliveryHelperMain", "--socket", socket.toString(),
                "--postern-user", posternUser,
                "--mail-spool-directory", spool.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("helper.log").toFile()).start();
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + posternUser, "--regid=" + posternUser,
                "--init-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
                home.resolve("bin/karaf").toString(), "daemon")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("karaf.out").toFile());
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", System.getProperty("java.home"),
                "HOME", "/nonexistent"));
        karaf = pb.start();
        waitForSmtp();
    }

    @AfterClass
    public static void stopAndRemoveAccounts() throws Exception {
        for (Process p : new Process[] {karaf, helper}) {
            if (p != null && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (socketDirectory != null) {
            Files.deleteIfExists(socketDirectory.resolve("delivery-helper"));
            Files.deleteIfExists(socketDirectory);
        }
        if (recipient != null) {
            execQuietly("/usr/sbin/userdel", recipient);
        }
        if (posternUser != null) {
            execQuietly("/usr/sbin/userdel", posternUser);
            try {
                exec("getent", "group", posternUser);
            } catch (IOException e) {
                return; // userdel removed the user's own group
            }
            execQuietly("/usr/sbin/groupdel", posternUser);
        }
    }

    @Test
    public void installShouldGiveTheTreeToRootAndDataToTheUserEachTime() throws Exception {
        assertEquals(install.toString(), 0, install.status());
        assertEquals(installAgain.toString(), 0, installAgain.status());
        assertTrue(install.out(), install.out().contains("created system user " + posternUser));
        assertTrue(installAgain.out(), installAgain.out().contains("user " + posternUser + " exists"));

        assertOwner(home, "root", "rwxr-xr-x");
        assertOwner(home.resolve("bin/karaf"), "root", null);
        assertOwner(home.resolve("system"), "root", null);
        assertOwner(home.resolve("etc/postern"), "root", "rwxr-xr-x");
        assertOwner(home.resolve("etc/postern/main.cf"), "root", "rw-r--r--");
        assertOwner(home.resolve("data"), posternUser, "rwx--x--x");
        assertOwner(home.resolve("data/postern/data/private"), "root", "rwx--x--x");
        assertOwner(home.resolve("etc/users.properties"), posternUser, "rw-------");
        String service = Files.readString(units.resolve("postern.service"));
        assertTrue(service, service.contains("User=" + posternUser + "\n"));
        assertTrue(service, service.contains("ExecStart=" + home.toRealPath() + "/bin/karaf daemon"));
        assertTrue(service, service.contains("CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n"));
        String helperUnit = Files.readString(units.resolve("postern-delivery-helper.service"));
        assertFalse(helperUnit, helperUnit.contains("@"));
        assertTrue(helperUnit, helperUnit.contains("--postern-user " + posternUser + " "));
    }

    @Test
    public void jvmShouldRunAsTheUserWithoutCapabilities() throws Exception {
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(karaf.pid()), "status"));
        String uid = uidOf(posternUser);
        assertTrue(status.toString(), status.contains("Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid));
        assertTrue(status.toString(), status.contains("CapEff:\t0000000000000000"));
        assertTrue(status.toString(), status.contains("CapBnd:\t0000000000000000"));
        assertTrue(status.toString(), status.contains("NoNewPrivs:\t1"));
    }

    @Test
    public void localMailShouldReachTheSpoolMailboxOwnedByTheRecipientAndWaitWhenTheHelperIsGone() throws Exception {
        Path mailbox = spool.resolve(recipient);
        MailClient.send(smtpPort, "sender@example.org", recipient + "@localhost", "first@it", "first", "hello\r\n");
        waitFor(() -> Files.exists(mailbox) && Files.readString(mailbox).contains("Subject: first"));
        assertEquals(uidOf(recipient), Files.getAttribute(mailbox, "unix:uid", LinkOption.NOFOLLOW_LINKS).toString());

        helper.destroy();
        assertTrue(helper.waitFor(60, TimeUnit.SECONDS));
        MailClient.send(smtpPort, "sender@example.org", recipient + "@localhost", "second@it", "second", "again\r\n");
        Path mailLog = home.resolve("data/log/mail.log");
        waitFor(() -> Files.exists(mailLog)
                && Files.readString(mailLog).contains("local delivery to " + recipient + " needs the privileged"));
        assertFalse(Files.readString(mailbox).contains("Subject: second"));
    }

    @Test
    public void toolsListenerAndQueueShouldBelongToTheUnprivilegedUser() throws Exception {
        Path tools = home.resolve("data/postern/public/tools");
        waitFor(() -> Files.exists(tools));
        assertOwner(tools, posternUser, "rw-rw-rw-");
        assertEquals("the SMTP listener's owner", uidOf(posternUser), listenerUid(smtpPort));

        // A local user submits through the tool socket of a Postern that is not root: held, so the file stays.
        Path message = Files.createTempFile(home.getParent(), "hold", ".txt");
        Files.writeString(message, "Subject: hold-me\n\nkept\n");
        Files.setPosixFilePermissions(message, PosixFilePermissions.fromString("rw-r--r--"));
        Run sent = distribution.runAs(recipient, message, "bin/sendmail", recipient + "@localhost");
        assertEquals(sent.toString(), 0, sent.status());
        Path hold = home.resolve("data/postern/queue/hold");
        waitFor(() -> {
            try (var files = Files.list(hold)) {
                return files.findAny().isPresent();
            }
        });
        try (var files = Files.list(hold)) {
            for (Path queued : files.toList()) {
                assertOwner(queued, posternUser, "rw-------");
            }
        }
        assertOwner(hold, posternUser, "rwx------");
        Run mailq = distribution.runAs(recipient, Path.of("/dev/null"), "bin/mailq");
        assertTrue(mailq.toString(), mailq.out().contains(recipient + "@"));
        Run postsuper = distribution.runAs(recipient, Path.of("/dev/null"), "bin/postsuper", "-d", "ALL");
        assertEquals(postsuper.toString(), 1, postsuper.status());
        Run asRoot = distribution.run("bin/postsuper", "-d", "ALL", "hold");
        assertEquals(asRoot.toString(), 0, asRoot.status());
    }

    /**
     * The uid that owns the TCP socket listening on 127.0.0.1:{@code port}: /proc/net/tcp, or
     * tcp6 for the IPv4-mapped address of a dual-stack socket (Java's default).
     */
    private static String listenerUid(int port) throws IOException {
        List<String> local = List.of(String.format("0100007F:%04X", port),
                String.format("0000000000000000FFFF00000100007F:%04X", port));
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 7 && local.contains(f[1]) && f[3].equals("0A")) {
                    return f[7];
                }
            }
        }
        throw new AssertionError("nothing listens on 127.0.0.1:" + port);
    }

    private static void assertOwner(Path path, String owner, String mode) throws IOException {
        assertEquals(path.toString(), owner,
                Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName());
        if (mode != null) {
            assertEquals(path.toString(), mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
        } else {
            assertFalse(path + " writable by group or others",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(path)).matches("....w....|.......w."));
        }
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void waitFor(Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static void waitForSmtp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !karaf.isAlive()) {
                    throw new AssertionError("Postern did not listen on " + smtpPort + ": see "
                            + home.getParent().resolve("karaf.out"), e);
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean isRoot() {
        try {
            return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String uidOf(String user) throws Exception {
        return exec("id", "-u", user).strip();
    }

    private static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
        return out;
    }

    private static void execQuietly(String... command) {
        try {
            exec(command);
        } catch (Exception e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }
}
