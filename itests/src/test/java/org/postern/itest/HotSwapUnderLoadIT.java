// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.postern.itest.Distribution.Run;

/**
 * Hot swapping under a stream of mail: while four clients send without pause, a table plugin
 * (regexp:, consulted for every RCPT) and a delivery agent (smtp, relaying every message to a
 * sink) are each updated with bundle:update and removed and put back with feature:uninstall
 * and feature:install. Asserted: each operation overlapped the stream (clients got replies
 * while it ran and mail was accepted after it), no client saw a 5xx or an error, and every
 * acknowledged message arrives at the sink.
 */
public class HotSwapUnderLoadIT {

    private static final int CLIENTS = 4;
    private static final Pattern MESSAGE_ID_LINE = Pattern.compile("(\\w+): message-id=<([^>]+)>");

    private Distribution distribution;
    private ScriptedMailServer sink;
    private int smtpPort;

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger replies = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger deferrals = new AtomicInteger();
    private final List<String> failures = new CopyOnWriteArrayList<>();

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
    public void updatesAndReinstallsUnderLoadShouldLoseNothingAndNeverAnswer5xx() throws Exception {
        sink = new ScriptedMailServer(false, rcpt -> "250 2.1.5 Ok");
        distribution = Distribution.unpack("hot-swap-load-it");
        smtpPort = Distribution.freePort();
        distribution.listenOn(smtpPort);
        Files.writeString(distribution.home().resolve("etc/postern/recipients.regexp"),
                "/^blocked@/ REJECT\n/@example\\.com$/ OK\n");
        // No client hostname lookup: this machine's resolver times out (5 s), which stalls every
        // session at once and has nothing to do with hot swapping.
        distribution.edit("etc/postern/main.cf", "\\z", "\nmynetworks = 127.0.0.1/32\nsmtpd_peername_lookup = no\n"
                + "relayhost = [127.0.0.1]:" + sink.port() + "\n"
                + "smtpd_recipient_restrictions = check_recipient_access regexp:\\$\\{config_directory\\}/recipients.regexp,"
                + " reject\n");
        Run start = distribution.run("bin/postfix", "start");
        assertEquals(start.toString(), 0, start.status());
        awaitListener();

        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            Thread t = new Thread(() -> sendWhile(sending), "client-" + i);
            t.start();
            clients.add(t);
        }
        List<String> overlaps = new ArrayList<>();
        try {
            awaitAccepted(20);
            overlaps.add(underLoad("bundle:update postern-map-regexp"));
            overlaps.add(underLoad("feature:uninstall postern-map-regexp", "feature:install postern-map-regexp"));
            overlaps.add(underLoad("bundle:update postern-transport-smtp"));
            overlaps.add(underLoad("feature:uninstall postern-transport-smtp", "feature:install postern-transport-smtp"));
        } finally {
            sending.set(false);
            for (Thread t : clients) {
                t.join(60_000);
            }
        }
        assertTrue("client failures (5xx or errors): " + failures, failures.isEmpty());

        Set<String> missing = sink.awaitMessageIds(acknowledged, "hot swap itest", 180_000);
        assertTrue(missing.size() + " of " + acknowledged.size() + " acknowledged messages never arrived; their log:\n"
                + logOf(missing), missing.isEmpty());
        System.out.println("HotSwapUnderLoadIT: " + acknowledged.size() + " acknowledged and delivered, "
                + deferrals.get() + " 4xx replies, 0 5xx; per operation " + overlaps);
    }

    /**
     * Runs console commands while the clients send; asserts that the stream overlapped them
     * (a message was in flight when they began, or one was started while they ran) and that
     * mail is accepted after them. Returns what the stream did meanwhile.
     */
    private String underLoad(String... commands) throws Exception {
        int repliesBefore = replies.get();
        int deferralsBefore = deferrals.get();
        int startedBefore = started.get();
        int inFlightAtStart = inFlight.get();
        for (String command : commands) {
            Run run = distribution.console(command);
            assertEquals(run.toString(), 0, run.status());
        }
        int during = replies.get() - repliesBefore;
        assertTrue("no message in flight while '" + String.join("; ", commands) + "' ran",
                inFlightAtStart > 0 || started.get() > startedBefore);
        awaitAccepted(acknowledged.size() + 20);
        return String.join("; ", commands) + ": " + during + " replies during, "
                + (deferrals.get() - deferralsBefore) + " of them 4xx";
    }

    private void awaitAccepted(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (acknowledged.size() < count && System.currentTimeMillis() < deadline && failures.isEmpty()) {
            Thread.sleep(50);
        }
        assertTrue("mail not accepted again (" + acknowledged.size() + " of " + count + "), failures " + failures,
                acknowledged.size() >= count);
    }

    private void sendWhile(AtomicBoolean sending) {
        while (sending.get()) {
            String messageId = UUID.randomUUID() + "@load.example.org";
            started.incrementAndGet();
            inFlight.incrementAndGet();
            try {
                int code = MailClient.send(smtpPort, "sender@example.org", "rcpt@example.com", messageId,
                        "hot swap under load", "hot swap itest\r\n");
                replies.incrementAndGet();
                if (code == 250) {
                    acknowledged.add(messageId);
                } else if (code / 100 == 4) {
                    deferrals.incrementAndGet();
                    Thread.sleep(100);
                } else {
                    failures.add(messageId + ": " + code);
                }
            } catch (Exception e) {
                failures.add(messageId + ": " + e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    /** The log lines of these messages: their message-id lines give the queue IDs to follow. */
    private String logOf(Set<String> messageIds) throws IOException {
        List<String> lines = Files.readAllLines(distribution.home().resolve("data/log/karaf.log"));
        Set<String> queueIds = new HashSet<>();
        for (String line : lines) {
            Matcher m = MESSAGE_ID_LINE.matcher(line);
            if (m.find() && messageIds.contains(m.group(2))) {
                queueIds.add(m.group(1));
            }
        }
        return lines.stream().filter(l -> queueIds.stream().anyMatch(l::contains)
                || l.contains("WARN") || l.contains("ERROR")).limit(400)
                .collect(Collectors.joining("\n"));
    }

    private void awaitListener() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", smtpPort), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("smtpd did not start listening on " + smtpPort);
    }
}
