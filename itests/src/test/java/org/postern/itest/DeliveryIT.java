// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The delivery path end to end, on loopback: a real SMTP client hands mail to the running
 * distribution, and the queue manager delivers it to a local maildir, to an SMTP server
 * (relayhost) that answers 250, 450 or 550, and to an LMTP server (transport_maps); a 550
 * comes back to the sender as an RFC 3464 bounce with the original Message-ID in References:;
 * and with postern-transport-local uninstalled local mail waits ("mail transport unavailable")
 * and is delivered once the feature is back, without a restart.
 */
public class DeliveryIT {

    private static Distribution distribution;
    private static ScriptedMailServer sink;
    private static ScriptedMailServer lmtp;
    private static int smtpPort;
    private static Path home;

    @BeforeClass
    public static void start() throws Exception {
        sink = new ScriptedMailServer(false, rcpt -> rcpt.startsWith("later") ? "450 4.2.0 <" + rcpt + ">: try again"
                : rcpt.startsWith("nosuch") ? "550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown"
                : "250 2.1.5 Ok");
        lmtp = new ScriptedMailServer(true, rcpt -> "250 2.1.5 Ok");
        distribution = Distribution.unpack("delivery-it");
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        home = distribution.home().resolve("home/joe");
        Files.createDirectories(home);
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
        String gid = new String(new ProcessBuilder("id", "-g").start().getInputStream().readAllBytes()).strip();
        Path etc = distribution.home().resolve("etc/postern");
        Files.writeString(etc.resolve("passwd"), "joe joe:x:" + uid + ":" + gid + ":Joe:" + home + ":/bin/sh\n"
                + "ann ann:x:" + uid + ":" + gid + ":Ann:" + home + ":/bin/sh\n");
        // ann's mailbox is another service (as with mailbox_transport = lmtp:unix:private/dovecot-lmtp).
        Files.writeString(etc.resolve("mailbox_transport"), "ann lmtp:inet:127.0.0.1:" + lmtp.port() + "\n");
        Files.writeString(etc.resolve("transport"), "lmtp.example lmtp:inet:127.0.0.1:" + lmtp.port() + "\n");
        Files.writeString(etc.resolve("main.cf"), "\n"
                + "mynetworks = 127.0.0.0/8\n"
                + "mydestination = localhost\n"
                + "relayhost = [127.0.0.1]:" + sink.port() + "\n"
                + "transport_maps = texthash:${config_directory}/transport\n"
                + "local_passwd_maps = texthash:${config_directory}/passwd\n"
                + "local_recipient_maps = $local_passwd_maps $alias_maps\n"
                + "home_mailbox = Maildir/\n"
                + "mailbox_transport_maps = texthash:${config_directory}/mailbox_transport\n"
                + "minimal_backoff_time = 300s\n", java.nio.file.StandardOpenOption.APPEND);
        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        awaitListener();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (sink != null) {
            sink.close();
        }
        if (lmtp != null) {
            lmtp.close();
        }
    }

    @Test
    public void localMailLandsInTheMaildir() throws Exception {
        String subject = "local " + UUID.randomUUID();
        send("alice@example.org", "joe@localhost", subject);
        await("a maildir file with the message", () -> maildirContains(subject));
    }

    @Test
    public void mailboxTransportHandsALocalUserToTheLmtpServer() throws Exception {
        String subject = "mailbox_transport " + UUID.randomUUID();
        send("alice@example.org", "ann@localhost", subject);
        await("the LMTP server received ann's message", () -> sinkGot(lmtp, subject));
        assertFalse("ann's message went to the maildir as well", maildirContains(subject));
    }

    @Test
    public void remoteMailGoesToTheRelayhost() throws Exception {
        String subject = "relay " + UUID.randomUUID();
        send("alice@example.org", "bob@remote.example", subject);
        await("the sink received the message", () -> sinkGot(sink, subject));
        ScriptedMailServer.Received r = received(sink, subject);
        assertEquals("alice@example.org", r.mailFrom());
        assertEquals(List.of("bob@remote.example"), r.rcptTo());
    }

    @Test
    public void lmtpTransportMapsDeliverToTheLmtpServer() throws Exception {
        String subject = "lmtp " + UUID.randomUUID();
        send("alice@example.org", "user@lmtp.example", subject);
        await("the LMTP server received the message", () -> sinkGot(lmtp, subject));
    }

    @Test
    public void a450IsDeferredAndShownByMailq() throws Exception {
        String sender = "defer-" + UUID.randomUUID() + "@example.org";
        send(sender, "later@remote.example", "deferred");
        await("mailq shows the deferral reason", () -> {
            String out = run("bin/mailq").out();
            return out.contains(sender) && out.contains("450 4.2.0");
        });
    }

    @Test
    public void a550BouncesToTheSenderWithTheOriginalMessageId() throws Exception {
        String subject = "bounce " + UUID.randomUUID();
        String messageId = send("alice@example.org", "nosuch@remote.example", subject);
        // The bounce goes to alice@example.org, which routes to the relayhost too.
        await("a bounce for the message reached the sink", () -> sink.received.stream()
                .anyMatch(r -> r.mailFrom().isEmpty() && r.content().contains(messageId)));
        ScriptedMailServer.Received bounce = sink.received.stream()
                .filter(r -> r.mailFrom().isEmpty() && r.content().contains(messageId)).findFirst().orElseThrow();
        assertEquals(List.of("alice@example.org"), bounce.rcptTo());
        assertTrue(bounce.content(), bounce.content().contains("Subject: Undelivered Mail Returned to Sender"));
        assertTrue(bounce.content(), bounce.content().contains("References: " + messageId));
        assertTrue(bounce.content(), bounce.content().contains("multipart/report"));
        assertTrue(bounce.content(), bounce.content().contains("Status: 5.1.1"));
    }

    @Test
    public void localMailWaitsWhileTheLocalTransportIsUninstalled() throws Exception {
        Run uninstall = distribution.console("feature:uninstall postern-transport-local");
        assertEquals(uninstall.toString(), 0, uninstall.status());
        String subject = "waiting " + UUID.randomUUID();
        try {
            send("alice@example.org", "joe@localhost", subject);
            await("mailq shows mail transport unavailable", () -> run("bin/mailq").out().contains("mail transport unavailable"));
            assertTrue(!maildirContains(subject));
        } finally {
            Run install = distribution.console("feature:install postern-transport-local");
            assertEquals(install.toString(), 0, install.status());
        }
        await("the waiting message is delivered after feature:install", () -> maildirContains(subject));
    }

    // ------------------------------------------------------------------ helpers

    private static String send(String from, String to, String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        props.put("mail.smtp.localhost", "client.example.org");
        props.put("mail.smtp.from", from);
        Session session = Session.getInstance(props);
        String id = "<" + UUID.randomUUID() + "@client.example.org>";
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", id);   // Transport.send would make a new one
            }
        };
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("delivery itest\r\n");
        Transport.send(m);
        return id;
    }

    private static boolean maildirContains(String subject) {
        Path fresh = home.resolve("Maildir/new");
        if (!Files.isDirectory(fresh)) {
            return false;
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.anyMatch(f -> {
                try {
                    return Files.readString(f).contains("Subject: " + subject);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sinkGot(ScriptedMailServer server, String subject) {
        return server.received.stream().anyMatch(r -> r.content().contains("Subject: " + subject));
    }

    private static ScriptedMailServer.Received received(ScriptedMailServer server, String subject) {
        return server.received.stream().filter(r -> r.content().contains("Subject: " + subject)).findFirst().orElseThrow();
    }

    private static Run run(String... command) {
        try {
            return distribution.run(command);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("not within 60 s: " + what + "\nmailq:\n" + run("bin/mailq").out());
            }
            Thread.sleep(250);
        }
    }

    private static void awaitListener() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        fail("nothing listens on 127.0.0.1:" + smtpPort);
    }
}
