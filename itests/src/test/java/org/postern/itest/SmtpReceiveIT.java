// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The receive path end to end: the distribution started with bin/postfix start, a real SMTP
 * client library (Angus Mail) over TCP, the message in the queue as bin/mailq and bin/postcat
 * show it; and no relaying for a client outside mynetworks.
 */
public class SmtpReceiveIT {

    private static Distribution distribution;
    private static int smtpPort;

    @BeforeClass
    public static void start() throws Exception {
        distribution = Distribution.unpack("receive-it");
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        // Only 127.0.0.1 is trusted, so that a client on 127.0.0.2 is "the Internet".
        // Receive path only: delivery is held back (defer_transports) so that mailq and postcat see the mail.
        distribution.edit("etc/postern/main.cf", "\\z", "\nmynetworks = 127.0.0.1/32\ndefer_transports = smtp\n");

        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        awaitListener();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
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

    private static Session session(String localAddress) {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(smtpPort));
        props.put("mail.smtp.localhost", "client.example.org");
        props.put("mail.smtp.localaddress", localAddress);
        props.put("mail.smtp.from", "sender@example.org");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        return Session.getInstance(props);
    }

    private static MimeMessage message(Session session, String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("sender@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("Hello from the receive itest.\r\n.leading dot must survive\r\n");
        return m;
    }

    @Test
    public void mailFromAClientLibraryShouldBeQueuedWithItsEnvelope() throws Exception {
        String subject = "Postern itest " + UUID.randomUUID();
        Transport.send(message(session("127.0.0.1"), "rcpt@example.com", subject));

        Run mailq = distribution.run("bin/mailq");
        assertEquals(mailq.toString(), 0, mailq.status());
        Matcher line = Pattern.compile("(?m)^([0-9A-Za-z]+)[*!]?\\s+\\d+ .*sender@example\\.org$").matcher(mailq.out());
        assertTrue(mailq.out(), line.find());
        assertTrue(mailq.out(), mailq.out().contains("rcpt@example.com"));

        Run postcat = distribution.run("bin/postcat", "-q", line.group(1));
        assertEquals(postcat.toString(), 0, postcat.status());
        assertTrue(postcat.out(), postcat.out().contains("Subject: " + subject));
        // cleanup: Postfix's Received: header leads the message.
        assertTrue(postcat.out(), postcat.out().contains("Received: from client.example.org ("));
        assertTrue(postcat.out(), postcat.out().contains("[127.0.0.1])"));
        assertTrue(postcat.out(), postcat.out().contains("\n.leading dot must survive"));
    }

    @Test
    public void sendmailShouldQueueALocalSubmissionWithRecipientsFromHeaders() throws Exception {
        String sender = "sendmail-" + UUID.randomUUID() + "@example.org";
        java.nio.file.Path message = distribution.home().resolve("sendmail-input.txt");
        java.nio.file.Files.writeString(message,
                "To: local-rcpt@example.com\nBcc: hidden@example.com\nSubject: via sendmail\n\nbody line\n");

        Run sendmail = distribution.runWithInput(message, "bin/sendmail", "-t", "-f", sender);
        assertEquals(sendmail.toString(), 0, sendmail.status());

        Run mailq = distribution.run("bin/mailq");
        Matcher line = Pattern.compile("(?m)^([0-9A-Za-z]+)[*!]?\\s+\\d+ .*" + Pattern.quote(sender) + "$").matcher(mailq.out());
        assertTrue(mailq.out(), line.find());
        String block = mailq.out().substring(line.start()).split("\n\n")[0];
        assertTrue(block, block.contains("local-rcpt@example.com"));
        assertTrue(block, block.contains("hidden@example.com"));

        Run postcat = distribution.run("bin/postcat", "-q", line.group(1));
        assertTrue(postcat.out(), postcat.out().contains("Subject: via sendmail"));
        assertTrue(postcat.out(), !postcat.out().contains("Bcc: hidden@example.com"));   // -t removes Bcc:
        assertTrue(postcat.out(), postcat.out().contains("Message-I"));                  // cleanup adds it for local mail
    }

    @Test
    public void relayFromOutsideMynetworksShouldBeRefused() throws Exception {
        try {
            Transport.send(message(session("127.0.0.2"), "someone@foreign.example", "relay attempt"));
            fail("relaying from outside mynetworks was accepted");
        } catch (MessagingException e) {
            String chain = chain(e);
            // The default smtpd_relay_restrictions end in defer_unauth_destination.
            assertTrue(chain, chain.contains("454 4.7.1"));
            assertTrue(chain, chain.contains("Relay access denied"));
        }
        Run mailq = distribution.run("bin/mailq");
        assertTrue(mailq.out(), !mailq.out().contains("someone@foreign.example"));
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c instanceof MessagingException m && m.getNextException() != null
                ? m.getNextException() : c.getCause() == c ? null : c.getCause()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }
}
