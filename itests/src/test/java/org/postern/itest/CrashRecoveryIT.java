// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.After;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Nothing accepted is lost: clients send on several connections, the Postern JVM is killed
 * with SIGKILL mid-stream, and after a restart every message that got "250 ... queued as ID"
 * is in the queue, whole.
 */
public class CrashRecoveryIT {

    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9A-Za-z]+)");
    private static final int SENDERS = 8;

    private Distribution distribution;

    @After
    public void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
    }

    @Test
    public void everyAcknowledgedMessageShouldSurviveKillMinus9() throws Exception {
        distribution = Distribution.unpack("crash-it");
        int port = Distribution.freePort();
        distribution.edit("etc/postern/master.cf", "127\\.0\\.0\\.1:2525", "127.0.0.1:" + port);
        distribution.edit("etc/postern/master.cf", "127\\.0\\.0\\.1:2587", "127.0.0.1:" + Distribution.freePort());
        // Every acknowledged message must be found in the queue afterwards: hold delivery back.
        distribution.edit("etc/postern/main.cf", "\\z", "\ndefer_transports = smtp\n");
        assertEquals(0, distribution.run("bin/postfix", "start").status());

        Map<String, String> acknowledged = new ConcurrentHashMap<>();   // queue ID -> token in the body
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Thread t = new Thread(() -> sendUntilRefused(port, sending, acknowledged), "sender-" + i);
            t.start();
            senders.add(t);
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (acknowledged.size() < 300 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(distribution.home().resolve("karaf.pid")).strip());
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        sending.set(false);
        for (Thread t : senders) {
            t.join(30_000);
        }
        assertTrue("only " + acknowledged.size() + " messages acknowledged before the kill", acknowledged.size() >= 300);

        assertEquals(0, distribution.run("bin/postfix", "start").status());
        Run mailq = distribution.run("bin/mailq");
        assertEquals(mailq.toString(), 0, mailq.status());
        for (String id : acknowledged.keySet()) {
            assertTrue("acknowledged " + id + " is not in the queue after kill -9", mailq.out().contains(id));
        }
        // Messages queued but never acknowledged: their clients would send them again (duplicates).
        long queued = Pattern.compile("(?m)^[0-9A-Za-z]{10,}[*!]?\\s").matcher(mailq.out()).results().count();
        System.out.println("CrashRecoveryIT: " + acknowledged.size() + " acknowledged, " + queued
                + " in the queue after kill -9 and restart");
        // Whole: the newest acknowledged messages (the likeliest to be cut) have their body.
        List<String> newest = acknowledged.keySet().stream().sorted().toList();
        for (String id : newest.subList(Math.max(0, newest.size() - 5), newest.size())) {
            Run postcat = distribution.run("bin/postcat", "-q", id);
            assertTrue(postcat.toString(), postcat.out().contains(acknowledged.get(id)));
        }
    }

    /** Sends messages over one connection until told to stop or the server dies; records each 250. */
    private static void sendUntilRefused(int port, AtomicBoolean sending, Map<String, String> acknowledged) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.localhost", "crash.example.org");
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        Session session = Session.getInstance(props);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            while (sending.get()) {
                String token = UUID.randomUUID().toString();
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress("sender@example.org"));
                m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.com"));
                m.setSubject("crash test");
                m.setText("token " + token + "\r\n" + "x".repeat(2000) + "\r\n");
                transport.sendMessage(m, m.getAllRecipients());
                Matcher q = QUEUED.matcher(String.valueOf(transport.getLastServerResponse()));
                if (q.find()) {
                    acknowledged.put(q.group(1), token);
                }
            }
        } catch (Exception e) {
            // The server was killed: what matters is what was acknowledged before.
        }
    }
}
