// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.After;
import org.junit.Test;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * Nothing accepted is lost: clients send on several connections while Postern relays to a
 * sink, the Postern JVM is killed with SIGKILL mid-stream, and after a restart every message
 * that got "250 ... queued as ID" arrives at the sink, whole, by its Message-ID. A client
 * error before the kill fails the test (it would hide a refused message); after the kill,
 * errors are what the kill causes.
 */
public class CrashRecoveryIT {

    private static final Pattern QUEUED = Pattern.compile("queued as ([0-9A-Za-z]+)");
    private static final int SENDERS = 8;
    private static final String BODY_FILLER = ("x".repeat(76) + "\r\n").repeat(26);   // 7bit: no re-encoding

    private Distribution distribution;
    private ScriptedMailServer sink;

    @After
    public void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    public void everyAcknowledgedMessageShouldArriveAfterKillMinus9() throws Exception {
        sink = new ScriptedMailServer(false, rcpt -> "250 2.1.5 Ok");
        distribution = Distribution.unpack("crash-it");
        int port = Distribution.freePort();
        distribution.listenOn(port);
        distribution.edit("etc/postern/main.cf", "\\z", "\nrelayhost = [127.0.0.1]:" + sink.port() + "\n");
        assertEquals(0, distribution.run("bin/postfix", "start").status());

        Map<String, String> acknowledged = new ConcurrentHashMap<>();   // Message-ID -> queue ID
        List<Exception> clientErrors = new CopyOnWriteArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            Thread t = new Thread(() -> sendUntilKilled(port, killed, acknowledged, clientErrors), "sender-" + i);
            t.start();
            senders.add(t);
        }
        long deadline = System.currentTimeMillis() + 30_000;
        while (acknowledged.size() < 300 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        long pid = Long.parseLong(Files.readString(distribution.home().resolve("karaf.pid")).strip());
        killed.set(true);
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        for (Thread t : senders) {
            t.join(30_000);
        }
        assertTrue("client errors before the kill: " + clientErrors, clientErrors.isEmpty());
        assertTrue("only " + acknowledged.size() + " messages acknowledged before the kill", acknowledged.size() >= 300);
        int atSinkBeforeRestart = sink.received.size();

        assertEquals(0, distribution.run("bin/postfix", "start").status());
        Set<String> missing = sink.awaitMessageIds(acknowledged.keySet(), BODY_FILLER, 180_000);
        assertTrue(missing.size() + " of " + acknowledged.size() + " acknowledged messages never arrived after"
                + " kill -9 and restart, e.g. " + missing.stream().limit(5).map(acknowledged::get).toList(),
                missing.isEmpty());
        long duplicates = sink.duplicates();
        System.out.println("CrashRecoveryIT: " + acknowledged.size() + " acknowledged, " + atSinkBeforeRestart
                + " at the sink before the restart, " + sink.received.size() + " after, " + duplicates
                + " duplicates (delivered, then killed before the delivery was recorded)");
    }

    /** Sends messages over one connection until the server is killed; records each 250 by Message-ID. */
    private static void sendUntilKilled(int port, AtomicBoolean killed, Map<String, String> acknowledged,
                                        List<Exception> errors) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.localhost", "crash.example.org");
        props.put("mail.smtp.connectiontimeout", "5000");
        props.put("mail.smtp.timeout", "5000");
        Session session = Session.getInstance(props);
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.connect();
            while (!killed.get()) {
                String messageId = UUID.randomUUID() + "@crash.example.org";
                MimeMessage m = new MimeMessage(session) {
                    @Override
                    protected void updateMessageID() throws jakarta.mail.MessagingException {
                        setHeader("Message-ID", "<" + messageId + ">");
                    }
                };
                m.setFrom(new InternetAddress("sender@example.org"));
                m.setRecipient(Message.RecipientType.TO, new InternetAddress("rcpt@example.com"));
                m.setSubject("crash test");
                m.setText("message " + messageId + "\r\n" + BODY_FILLER);
                transport.sendMessage(m, m.getAllRecipients());
                Matcher q = QUEUED.matcher(String.valueOf(transport.getLastServerResponse()));
                if (!q.find()) {
                    throw new IllegalStateException("no queue ID in " + transport.getLastServerResponse());
                }
                acknowledged.put(messageId, q.group(1));
            }
        } catch (Exception e) {
            if (!killed.get()) {
                errors.add(e);
            }
        }
    }
}
