// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * Issue 15's hot-swap promise with mail flowing: smtpd_milters names a milter but the
 * postern-milter feature is not installed, so mail gets milter_default_action (tempfail: 4xx,
 * logged), never passes unfiltered; feature:install postern-milter makes new sessions use the
 * milter (it refuses one recipient, and sees every accepted message); bundle:update of the
 * client during a stream of messages loses nothing (each is accepted, perhaps after 4xx).
 */
public class MilterHotInstallIT {

    private static Distribution distribution;
    private static int smtpPort;
    private static TinyMilter milter;

    @BeforeClass
    public static void start() throws Exception {
        milter = new TinyMilter();
        distribution = Distribution.unpack("milter-hot-install-it");
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        distribution.edit("etc/postern/main.cf", "\\z", "\nmynetworks = 127.0.0.1/32\ndefer_transports = smtp\n"
                + "smtpd_milters = inet:127.0.0.1:" + milter.port() + "\nmilter_default_action = tempfail\n"
                + "non_smtpd_milters = inet:127.0.0.1:" + milter.port() + "\n");
        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        awaitListener();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (milter != null) {
            milter.close();
        }
    }

    @Test
    public void mailIsDeferredWithoutTheClientFilteredAfterInstallAndNothingIsLostOnUpdate() throws Exception {
        // 1. No milter client: the default action, never unfiltered mail.
        assertEquals("reply before postern-milter is installed", 451, send("joe@example.com", "before install"));
        String log = Files.readString(distribution.home().resolve("data/log/mail.log"));
        assertTrue("the default action is logged: " + log, log.contains("no milter client is installed"));
        assertEquals("the milter saw nothing", 0, milter.messages.get());
        Run local = sendmail("joe@example.com");
        assertEquals("bin/sendmail before postern-milter is installed: " + local, 75, local.status());
        log = Files.readString(distribution.home().resolve("data/log/mail.log"));
        assertTrue("non_smtpd_milters' default action is logged: " + log,
                log.contains("non_smtpd_milters is set but no milter client is installed"));

        // 2. Install at runtime: the next sessions are filtered.
        Run install = distribution.console("feature:install postern-milter");
        assertEquals(install.toString(), 0, install.status());
        long deadline = System.currentTimeMillis() + 60_000;
        int code;
        while ((code = send("joe@example.com", "after install")) != 250 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        assertEquals("reply after feature:install postern-milter", 250, code);
        assertTrue("the milter saw the message", milter.messages.get() >= 1);
        assertEquals("the milter refuses its recipient", 550, send("blocked@example.com", "blocked"));
        int seen = milter.messages.get();
        local = sendmail("joe@example.com");
        assertEquals("bin/sendmail after postern-milter is installed: " + local, 0, local.status());
        assertEquals("non_smtpd_milters saw the local submission", seen + 1, milter.messages.get());
        local = sendmail("blocked@example.com");
        assertEquals("a non-SMTP recipient refusal is a configuration error (tempfail): " + local, 75,
                local.status());

        // 3. bundle:update of the client while messages stream in: each is accepted, maybe after 4xx.
        int total = 200;
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger deferrals = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        String tag = UUID.randomUUID().toString();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                try {
                    long until = System.currentTimeMillis() + 60_000;
                    int c;
                    while ((c = send("stream-" + tag + "@example.org", "joe@example.com", "stream " + i)) / 100 == 4
                            && System.currentTimeMillis() < until) {
                        deferrals.incrementAndGet();
                        Thread.sleep(200);
                    }
                    if (c == 250) {
                        accepted.incrementAndGet();
                    } else {
                        failures.add("message " + i + ": " + c);
                    }
                } catch (Exception e) {
                    failures.add("message " + i + ": " + e);
                }
            }
        });
        sender.start();
        while (accepted.get() < 10 && sender.isAlive()) {
            Thread.sleep(50);
        }
        int before = accepted.get() + deferrals.get();
        Run update = distribution.console("bundle:update postern-milter");
        assertEquals(update.toString(), 0, update.status());
        int during = accepted.get() + deferrals.get() - before;
        assertTrue("the stream ended before bundle:update did: no overlap", sender.isAlive());
        sender.join(300_000);
        System.out.printf("MilterHotInstallIT: %d messages, %d accepted, %d 4xx deferrals, %d replies while"
                + " bundle:update ran, %d messages seen by the milter%n", total, accepted.get(), deferrals.get(),
                during, milter.messages.get());
        assertTrue("failures: " + failures, failures.isEmpty());
        assertEquals(total, accepted.get());
        Run mailq = distribution.run("bin/mailq");
        long queued = mailq.out().lines().filter(line -> line.endsWith(" stream-" + tag + "@example.org")).count();
        assertEquals("every accepted message is in the queue", total, queued);
    }

    private static int send(String to, String subject) throws Exception {
        return send("sender@example.org", to, subject);
    }

    private static int send(String from, String to, String subject) throws Exception {
        return MailClient.send(smtpPort, from, to, UUID.randomUUID() + "@client.example.org", subject,
                "milter hot install itest\r\n");
    }

    /** bin/sendmail as root with a short message on standard input. */
    private static Run sendmail(String to) throws Exception {
        Path message = Files.createTempFile("milter-it", ".txt");
        try {
            Files.writeString(message, "Subject: local submission\n\nthrough non_smtpd_milters\n");
            return distribution.runWithInput(message, "bin/sendmail", "-oi", to);
        } finally {
            Files.deleteIfExists(message);
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

    /**
     * A milter of a few lines, from the protocol's description: version 6, may add headers;
     * refuses recipients named "blocked", adds "X-Milter: seen" at the end of each message.
     * One thread per connection.
     */
    static final class TinyMilter implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger messages = new AtomicInteger();

        TinyMilter() throws IOException {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread c = new Thread(() -> serve(s));
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket s) {
            try (s) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    byte[] p = new byte[in.readInt()];
                    in.readFully(p);
                    String data = new String(p, 1, p.length - 1, StandardCharsets.ISO_8859_1);
                    switch (p[0]) {
                        case 'O' -> out.write(packet('O', ByteBuffer.allocate(12).putInt(6).putInt(0x01).putInt(0)
                                .array()));
                        case 'D', 'A' -> { }
                        case 'Q' -> {
                            return;
                        }
                        case 'R' -> out.write(packet(data.contains("blocked") ? 'r' : 'c', new byte[0]));
                        case 'E' -> {
                            messages.incrementAndGet();
                            out.write(packet('h', "X-Milter\0seen\0".getBytes(StandardCharsets.ISO_8859_1)));
                            out.write(packet('c', new byte[0]));
                        }
                        default -> out.write(packet('c', new byte[0]));
                    }
                    out.flush();
                }
            } catch (EOFException e) {
                // the MTA hung up
            } catch (IOException e) {
                // closed
            }
        }

        private static byte[] packet(char command, byte[] data) {
            return ByteBuffer.allocate(5 + data.length).putInt(data.length + 1).put((byte) command).put(data).array();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
