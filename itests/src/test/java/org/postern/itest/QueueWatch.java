// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Waiting for mail: at a python3-aiosmtpd Mailbox sink, or deferred in a distribution's queue. */
final class QueueWatch {

    private QueueWatch() {
    }

    /** The messages a Mailbox sink wrote so far (its "new" directory). */
    static List<Path> messages(Path mailbox) throws IOException {
        Path dir = mailbox.resolve("new");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    static boolean delivered(Path mailbox, String subject) throws IOException {
        for (Path f : messages(mailbox)) {
            if (Files.readString(f, StandardCharsets.ISO_8859_1).contains("Subject: " + subject + "\n")) {
                return true;
            }
        }
        return false;
    }

    static void awaitDelivered(Distribution distribution, Path mailbox, String subject) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!delivered(mailbox, subject)) {
            if (System.currentTimeMillis() > deadline) {
                fail(subject + " did not arrive; mailq: " + distribution.run("bin/mailq").out());
            }
            Thread.sleep(250);
        }
    }

    /** Waits until mailq shows {@code reason} for {@code rcpt}. */
    static void awaitDeferred(Distribution distribution, String rcpt, String reason) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String mailq = "";
        while (System.currentTimeMillis() < deadline) {
            mailq = distribution.run("bin/mailq").out();
            int at = mailq.indexOf(rcpt);
            if (at > 0 && mailq.substring(0, at).contains(reason)) {
                return;
            }
            Thread.sleep(250);
        }
        fail(rcpt + " was not deferred with \"" + reason + "\"; mailq: " + mailq);
    }
}
