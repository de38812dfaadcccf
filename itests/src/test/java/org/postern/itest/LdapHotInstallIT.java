// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;

/**
 * Issue 5's hot-install promise with mail flowing: smtpd_recipient_restrictions use an
 * ldap: table whose plugin is not installed, so mail is deferred (4xx, never 5xx);
 * feature:install postern-map-ldap at runtime makes the same mail accepted, with no
 * restart; bundle:update of the ldap plugin during a stream of messages loses nothing
 * (every message is eventually accepted, none is refused with 5xx).
 */
public class LdapHotInstallIT {

    private static final String KNOWN = "joe@example.com";

    private static InMemoryDirectoryServer ldap;
    private static Distribution distribution;
    private static int smtpPort;

    @BeforeClass
    public static void start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=example,dc=com");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", java.net.InetAddress.getLoopbackAddress(), 0, null));
        config.setSchema(null);   // plain attributes, no schema checks
        ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=example,dc=com", "objectClass: top", "objectClass: domain", "dc: example");
        ldap.add("dn: uid=joe,dc=example,dc=com", "objectClass: top", "objectClass: account", "uid: joe",
                "mail: " + KNOWN, "description: OK");
        ldap.startListening();

        distribution = Distribution.unpack("ldap-hot-install-it");
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        Path cf = distribution.home().resolve("etc/postern/ldap-recipients.cf");
        Files.writeString(cf, "server_host = ldap://127.0.0.1:" + ldap.getListenPort() + "\n"
                + "search_base = dc=example, dc=com\n"
                + "query_filter = (mail=%s)\n"
                + "result_attribute = description\n"
                + "timeout = 5\n");
        distribution.edit("etc/postern/main.cf", "\\z", "\nmynetworks = 127.0.0.1/32\ndefer_transports = smtp\n"
                + "smtpd_recipient_restrictions = check_recipient_access ldap:ldap-recipients.cf, reject\n");

        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        awaitListener();
    }

    @AfterClass
    public static void stop() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (ldap != null) {
            ldap.shutDown(true);
        }
    }

    @Test
    public void mailIsDeferredWithoutThePluginAcceptedAfterInstallAndNothingIsLostOnUpdate() throws Exception {
        // 1. The ldap: type is not installed: a temporary failure, never a rejection.
        int before = send(KNOWN, "before install");
        assertEquals("reply before the plugin is installed", 4, before / 100);

        // 2. Install at runtime; the same recipient is accepted without a restart.
        Run install = distribution.console("feature:install postern-map-ldap");
        assertEquals(install.toString(), 0, install.status());
        int after = awaitAccepted(KNOWN, 60_000);
        assertEquals("reply after feature:install postern-map-ldap", 250, after);
        assertEquals("the table decides: unknown recipients are refused", 5, send("nobody@example.com", "unknown") / 100);

        // 3. bundle:update of the plugin while messages stream in: each is accepted, maybe after 4xx retries.
        int total = 300;   // outlasts bundle:update, which is asserted
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger deferrals = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        String tag = UUID.randomUUID().toString();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                try {
                    long deadline = System.currentTimeMillis() + 60_000;
                    int code;
                    while ((code = send(streamSender(tag), KNOWN, "stream " + i)) / 100 == 4 && System.currentTimeMillis() < deadline) {
                        deferrals.incrementAndGet();
                        Thread.sleep(200);
                    }
                    if (code == 250) {
                        accepted.incrementAndGet();
                    } else {
                        failures.add("message " + i + ": " + code);
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
        int repliesAtUpdate = accepted.get() + deferrals.get();
        Run update = distribution.console("bundle:update postern-map-ldap");
        assertEquals(update.toString(), 0, update.status());
        int repliesDuringUpdate = accepted.get() + deferrals.get() - repliesAtUpdate;
        assertTrue("the stream ended before bundle:update did: no overlap", sender.isAlive());
        assertTrue("no reply while bundle:update ran", repliesDuringUpdate > 0);
        sender.join(300_000);
        System.out.printf("LdapHotInstallIT: %d messages, %d accepted, %d 4xx deferrals, %d replies while"
                + " bundle:update ran%n", total, accepted.get(), deferrals.get(), repliesDuringUpdate);
        assertTrue("failures: " + failures, failures.isEmpty());
        assertEquals(total, accepted.get());

        Run mailq = distribution.run("bin/mailq");
        long inQueue = mailq.out().lines().filter(line -> line.endsWith(" " + streamSender(tag))).count();
        assertEquals("every accepted message is in the queue (deferrals during the update: " + deferrals.get() + ")",
                total, inQueue);
    }

    private static String streamSender(String tag) {
        return "stream-" + tag + "@example.org";
    }

    private static int awaitAccepted(String to, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        int code;
        while ((code = send(to, "after install")) != 250 && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
        }
        return code;
    }

    /** Sends one message; 250, or the SMTP reply code of the refusal. */
    private static int send(String to, String subject) throws Exception {
        return send("sender@example.org", to, subject);
    }

    private static int send(String from, String to, String subject) throws Exception {
        return MailClient.send(smtpPort, from, to, UUID.randomUUID() + "@client.example.org", subject,
                "ldap hot install itest\r\n");
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
