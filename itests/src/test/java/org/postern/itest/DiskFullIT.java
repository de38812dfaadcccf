// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Assume;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * A full queue file system, for real: the queue directory is a 24 MB tmpfs, mostly filled by a
 * ballast file, while 20 clients send 100 KB messages. Every client gets 4xx, never 5xx, while
 * space is short; when the ballast goes the server accepts mail again by itself; afterwards
 * every acknowledged message is delivered, whole, and the mail log says what happened.
 */
public class DiskFullIT {

    private static final int CLIENTS = 20;
    private static final String FILLER = ("y".repeat(998) + "\r\n").repeat(100);

    private Distribution distribution;
    private ScriptedMailServer sink;
    private Path mountPoint;

    @After
    public void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (sink != null) {
            sink.close();
        }
        if (mountPoint != null) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    public void aFullQueueFileSystemShouldGive4xxLoseNothingAndRecoverByItself() throws Exception {
        Path mount = Files.createTempDirectory("postern-diskfull");
        int status = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString())
                .inheritIO().start().waitFor();
        boolean required = Boolean.getBoolean("postern.itest.requireServices");
        if (status != 0) {
            assertTrue("cannot mount a tmpfs (needs root): the disk-full test cannot run", !required);
            Assume.assumeTrue("skipped: cannot mount a tmpfs here (needs root)", false);
        }
        mountPoint = mount;
        Path queue = mount.resolve("queue");
        sink = new ScriptedMailServer(false, rcpt -> "250 2.1.5 Ok");
        distribution = Distribution.unpack("diskfull-it");
        int port = Distribution.freePort();
        distribution.listenOn(port);
        distribution.edit("etc/postern/main.cf", "\\z", "\nqueue_directory = " + queue + "\n"
                + "relayhost = [127.0.0.1]:" + sink.port() + "\n"
                + "message_size_limit = 1000000\n"
                + "defer_transports = smtp\n");
        Path ballast = mount.resolve("ballast");
        Files.write(ballast, new byte[19 * 1024 * 1024]);   // about 5 MB left for the queue
        assertEquals(0, distribution.run("bin/postfix", "start").status());

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> replies = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread t = new Thread(() -> sendWhileRunning(port, running, acknowledged, replies, failures), "client-" + i);
            t.start();
            clients.add(t);
        }
        try {
            awaitCount(replies, 4, 40, 120_000);
            int acceptedWhileFull = acknowledged.size();
            Files.delete(ballast);
            int accepted = acknowledged.size();
            long deadline = System.currentTimeMillis() + 120_000;
            while (acknowledged.size() < accepted + 40 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue("no mail accepted after space returned (" + acknowledged.size() + " acknowledged, "
                    + acceptedWhileFull + " before)", acknowledged.size() >= accepted + 40);
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(60_000);
            }
        }
        assertTrue("client failures: " + failures, failures.isEmpty());
        assertEquals("5xx replies while the disk was full: " + replies, 0, count(replies, 5));

        distribution.edit("etc/postern/main.cf", "(?m)^defer_transports = smtp$", "");
        assertEquals(0, distribution.run("bin/postfix", "reload").status());
        Run flush = distribution.run("bin/postqueue", "-f");
        assertEquals(flush.toString(), 0, flush.status());
        Set<String> missing = sink.awaitMessageIds(acknowledged, FILLER, 180_000);
        assertTrue(missing.size() + " of " + acknowledged.size() + " acknowledged messages lost", missing.isEmpty());

        String mailLog = Files.readString(distribution.home().resolve("data/log/mail.log"));
        assertTrue("the mail log does not say that space ran short",
                mailLog.contains("Insufficient system storage") || mailLog.contains("No space left on device"));
        System.out.println("DiskFullIT: replies by class " + replies + ", " + acknowledged.size()
                + " acknowledged, all delivered");
    }

    private static void awaitCount(Map<Integer, AtomicInteger> replies, int replyClass, int atLeast, long millis)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (count(replies, replyClass) < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue("fewer than " + atLeast + " " + replyClass + "xx replies: " + replies,
                count(replies, replyClass) >= atLeast);
    }

    private static int count(Map<Integer, AtomicInteger> replies, int replyClass) {
        AtomicInteger n = replies.get(replyClass);
        return n == null ? 0 : n.get();
    }

    /** One client: MAIL, RCPT, DATA over one connection, again and again; 4xx makes it RSET and retry. */
    private static void sendWhileRunning(int port, AtomicBoolean running, Set<String> acknowledged,
                                         Map<Integer, AtomicInteger> replies, List<String> failures) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            reply(in);
            command(out, in, "EHLO diskfull.example.org");
            while (running.get()) {
                String messageId = UUID.randomUUID() + "@diskfull.example.org";
                int mail = count(replies, command(out, in, "MAIL FROM:<sender@example.org> SIZE=110000"));
                if (mail != 2) {
                    command(out, in, "RSET");
                    Thread.sleep(50);
                    continue;
                }
                if (count(replies, command(out, in, "RCPT TO:<rcpt@example.com>")) != 2
                        || count(replies, command(out, in, "DATA")) != 3) {
                    command(out, in, "RSET");
                    continue;
                }
                out.write(("Message-ID: <" + messageId + ">\r\nSubject: disk full\r\n\r\n" + FILLER + ".\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String end = reply(in);
                int replyClass = count(replies, end);
                if (replyClass == 2) {
                    acknowledged.add(messageId);
                }
            }
            command(out, in, "QUIT");
        } catch (IOException | InterruptedException | RuntimeException e) {
            failures.add(e.toString());
        }
    }

    /** Counts the reply by class and returns the class (2, 3, 4, 5). */
    private static int count(Map<Integer, AtomicInteger> replies, String reply) {
        int replyClass = reply.charAt(0) - '0';
        replies.computeIfAbsent(replyClass, c -> new AtomicInteger()).incrementAndGet();
        return replyClass;
    }

    private static String command(OutputStream out, BufferedReader in, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(in);
    }

    /** The last line of a (multi-line) reply. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed by the server");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
