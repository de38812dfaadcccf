// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * The local trust boundary, tried as a normal local user would: bin/sendmail and mailq work
 * without any Karaf login and the sender is the caller (from the kernel), the admin tools and
 * the console refuse that user, -f follows local_login_sender_maps, a stopped Postern leaves
 * the message in dead.letter with exit 75, postmap/postalias/newaliases work while stopped,
 * and kill -9 during local submissions loses no message sendmail reported as accepted.
 */
public class LocalSubmissionIT {

    private static final String FILLER = ("y".repeat(70) + "\n").repeat(50);

    private static TestAccount user;
    private static Distribution distribution;
    private static ScriptedMailServer sink;
    private static Path work;

    @BeforeClass
    public static void setUp() throws Exception {
        user = TestAccount.create("pit");
        work = TestAccount.sharedWorkDirectory("local-it");
        sink = new ScriptedMailServer(false, rcpt -> "250 2.1.5 Ok");
        distribution = Distribution.unpackIn(work);
        distribution.listenOn(Distribution.freePort());
        distribution.edit("etc/postern/main.cf", "\\z", "\nrelayhost = [127.0.0.1]:" + sink.port()
                + "\nmyorigin = example.org\n");
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (sink != null) {
            sink.close();
        }
        if (user != null) {
            user.close();
        }
    }

    private static Path message(String messageId) throws Exception {
        Path m = Files.createTempFile(work, "msg", ".txt");
        Files.writeString(m, "Message-ID: <" + messageId + ">\nSubject: local\n\n" + FILLER);
        Files.setPosixFilePermissions(m, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        return m;
    }

    @Test
    public void aLocalUserShouldSubmitAsThemselvesAndNothingMore() throws Exception {
        // 1. Stopped: sendmail keeps the message in dead.letter and says "try again" (75).
        if (distribution.run("bin/postfix", "status").status() == 0) {
            distribution.stop();
            long deadline = System.currentTimeMillis() + 60_000;
            while (distribution.run("bin/postfix", "status").status() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
            }
        }
        Run stopped = distribution.runAs(user.name(), message("stopped@it"), "bin/sendmail", "rcpt@example.com");
        assertEquals(stopped.toString(), 75, stopped.status());
        assertTrue(stopped.err(), stopped.err().contains("dead.letter"));
        assertTrue(Files.readString(user.home().resolve("dead.letter")).contains("Message-ID: <stopped@it>"));

        // 2. postmap, postalias and newaliases work while stopped, as Postfix's do (they read and write files).
        Path etc = distribution.home().resolve("etc/postern");
        Files.writeString(etc.resolve("access"), "example.com OK\n");
        Run postmap = distribution.run("bin/postmap", etc.resolve("access").toString());
        assertEquals(postmap.toString(), 0, postmap.status());
        assertTrue(Files.exists(etc.resolve("access.lmdb")));
        Run query = distribution.run("bin/postmap", "-q", "example.com", "lmdb:" + etc.resolve("access"));
        assertEquals(query.toString(), "OK\n", query.out());
        Run newaliases = distribution.run("bin/postalias", "lmdb:" + etc.resolve("aliases"));
        assertEquals(newaliases.toString(), 0, newaliases.status());
        assertTrue(Files.exists(etc.resolve("aliases.lmdb")));

        // 3. Running: the same user submits, with their login name as sender, no credential anywhere.
        Run started = distribution.run("bin/postfix", "start");
        assertEquals(started.toString(), 0, started.status());
        Run sent = distribution.runAs(user.name(), message("asuser@it"), "bin/sendmail", "-oi", "rcpt@example.com");
        assertEquals(sent.toString(), 0, sent.status());
        assertTrue(sink.awaitMessageIds(Set.of("asuser@it"), FILLER.substring(0, 60), 60_000).isEmpty());
        ScriptedMailServer.Received received = sink.received.stream()
                .filter(r -> r.content().contains("<asuser@it>")).findFirst().orElseThrow();
        assertEquals(user.name() + "@example.org", received.mailFrom());

        // sendmail -bs: an SMTP dialogue on standard input, piped in all at once.
        Path dialogue = Files.createTempFile(work, "bs", ".txt");
        Files.writeString(dialogue, "EHLO local\nMAIL FROM:<" + user.name() + "@example.org>\nRCPT TO:<rcpt@example.com>\n"
                + "DATA\nMessage-ID: <bs@it>\nSubject: -bs\n\n" + FILLER + ".\nQUIT\n");
        Files.setPosixFilePermissions(dialogue, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run smtp = distribution.runAs(user.name(), dialogue, "bin/sendmail", "-bs");
        assertEquals(smtp.toString(), 0, smtp.status());
        assertTrue(smtp.out(), smtp.out().startsWith("220 ") && smtp.out().contains("\r\n250 2.0.0 Ok: queued as ")
                && smtp.out().endsWith("221 2.0.0 Bye\r\n"));
        assertTrue(sink.awaitMessageIds(Set.of("bs@it"), FILLER.substring(0, 60), 60_000).isEmpty());

        // 4. ... and may list the queue, but not change it, not flush it when not authorized, not log in.
        Run mailq = distribution.runAs(user.name(), Path.of("/dev/null"), "bin/mailq");
        assertEquals(mailq.toString(), 0, mailq.status());
        Run postsuper = distribution.runAs(user.name(), Path.of("/dev/null"), "bin/postsuper", "-d", "ALL");
        assertEquals(postsuper.toString(), 1, postsuper.status());
        assertEquals("postsuper: fatal: use of this command is reserved for the superuser\n", postsuper.err());
        Run reload = distribution.runAs(user.name(), Path.of("/dev/null"), "bin/postfix", "reload");
        assertEquals(reload.toString(), 1, reload.status());
        Run console = distribution.runAs(user.name(), Path.of("/dev/null"), "bin/client", "-u", "admin", "-p", "admin",
                "-r", "1", "-d", "1", "bundle:list");
        assertFalse(console.toString(), console.status() == 0);
        assertFalse("users.properties must not be readable by others",
                Files.isReadable(distribution.home().resolve("etc/users.properties"))
                        && distribution.runAs(user.name(), Path.of("/dev/null"), "cat",
                        distribution.home().resolve("etc/users.properties").toString()).status() == 0);

        // 5. -f follows local_login_sender_maps; authorized_mailq_users is applied.
        Path senders = distribution.home().resolve("etc/postern/login_senders");
        Files.writeString(senders, user.name() + " " + user.name() + "@example.org, @lists.example.org\n");
        Run edit = distribution.run("bin/postconf", "-e", "local_login_sender_maps = texthash:" + senders,
                "authorized_mailq_users = root");
        assertEquals(edit.toString(), 0, edit.status());
        assertEquals(0, distribution.run("bin/postfix", "reload").status());
        Run forged = distribution.runAs(user.name(), message("forged@it"), "bin/sendmail", "-f", "ceo@example.org",
                "rcpt@example.com");
        assertEquals(forged.toString(), 77, forged.status());
        assertTrue(forged.err(), forged.err().contains("not allowed to use sender address ceo@example.org"));
        Run owned = distribution.runAs(user.name(), message("owned@it"), "bin/sendmail", "-fnews@lists.example.org",
                "-N", "never", "rcpt@example.com");
        assertEquals(owned.toString(), 0, owned.status());
        Run refusedMailq = distribution.runAs(user.name(), Path.of("/dev/null"), "bin/mailq");
        assertEquals(refusedMailq.toString(), 77, refusedMailq.status());
        assertTrue(refusedMailq.err(), refusedMailq.err().contains("is not allowed to view the mail queue"));
        assertTrue(sink.awaitMessageIds(Set.of("owned@it"), FILLER.substring(0, 60), 60_000).isEmpty());
    }

    @Test
    public void everySubmissionSendmailAcceptedShouldArriveAfterKillMinus9() throws Exception {
        if (distribution.run("bin/postfix", "status").status() != 0) {
            assertEquals(0, distribution.run("bin/postfix", "start").status());
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        List<String> failures = new ArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (!killed.get()) {
                    String id = UUID.randomUUID() + "@local.it";
                    try {
                        Run r = distribution.runAs(user.name(), message(id), "bin/sendmail", "rcpt@example.com");
                        if (r.status() == 0) {
                            accepted.add(id);
                        } else if (!killed.get()) {
                            synchronized (failures) {
                                failures.add(r.toString());
                            }
                        }
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add(e.toString());
                        }
                    }
                }
            }, "local-sender-" + i);
            t.start();
            senders.add(t);
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (accepted.size() < 40 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(distribution.home().resolve("karaf.pid")).strip());
        killed.set(true);
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        for (Thread t : senders) {
            t.join(60_000);
        }
        assertTrue("sendmail failures before the kill: " + failures, failures.isEmpty());
        assertTrue("only " + accepted.size() + " accepted before the kill", accepted.size() >= 40);
        assertEquals(0, distribution.run("bin/postfix", "start").status());
        Set<String> missing = sink.awaitMessageIds(accepted, FILLER.substring(0, 60), 180_000);
        assertTrue(missing.size() + " of " + accepted.size() + " accepted local submissions never arrived: " + missing,
                missing.isEmpty());
        System.out.println("LocalSubmissionIT: " + accepted.size() + " local submissions accepted before kill -9,"
                + " all delivered after the restart");
    }
}
