// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

class LocalDeliveryAgentTest {

    private static final String MESSAGE = "Subject: hi\r\nFrom: a@example.org\r\n\r\nFrom the start\r\nbody\r\n";
    private static final String FROM_LINE = "From sender@example\\.org  \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\n";

    @TempDir
    Path tmp;
    LocalTestbed bed;

    @BeforeEach
    void setUp() throws IOException {
        bed = new LocalTestbed(tmp);
    }

    @Test
    void mailboxDeliveryShouldAppendMboxWithFromLineQuotingAndBlankLine() throws IOException {
        RecipientResult result = bed.deliver("sender@example.org", "Joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.dsnStatus()).isEqualTo("2.0.0");
        assertThat(result.relay()).isEqualTo("local");
        Path mbox = bed.spool.resolve("joe");
        assertThat(LocalTestbed.read(mbox)).matches(FROM_LINE
                + "Return-Path: <sender@example\\.org>\n"
                + "X-Original-To: Joe@example\\.com\n"
                + "Delivered-To: joe@example\\.com\n"
                + "Subject: hi\nFrom: a@example\\.org\n\n>From the start\nbody\n\n");
        assertThat(Files.getAttribute(mbox, "unix:uid")).isEqualTo(LocalTestbed.JOE_UID);
        assertThat(Files.getAttribute(mbox, "unix:mode")).isEqualTo(0100600);
        assertThat(bed.spool.resolve("joe.lock")).doesNotExist();
    }

    @Test
    void secondDeliveryShouldAppendAndNullSenderShouldBeMailerDaemon() throws IOException {
        bed.deliver("sender@example.org", "joe@example.com", "Subject: one\r\n\r\nfirst\r\n");
        bed.deliver("", "joe@example.com", "Subject: two\r\n\r\nsecond");

        String mbox = LocalTestbed.read(bed.spool.resolve("joe"));
        assertThat(mbox).contains("\nfirst\n\nFrom MAILER-DAEMON  ");
        assertThat(mbox).endsWith("Return-Path: <>\nX-Original-To: joe@example.com\nDelivered-To: joe@example.com\n"
                + "Subject: two\n\nsecond\n\n");
    }

    @Test
    void homeMailboxEndingInSlashShouldDeliverToMaildirNew() throws IOException {
        bed.settings.put("home_mailbox", "Maildir/");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        Path maildir = bed.joeHome.resolve("Maildir");
        List<Path> files = list(maildir.resolve("new"));
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).matches("\\d+\\.M\\d+P\\d+Q\\d+\\.mail\\.example\\.com");
        assertThat(LocalTestbed.read(files.get(0))).isEqualTo("Return-Path: <sender@example.org>\n"
                + "X-Original-To: joe@example.com\nDelivered-To: joe@example.com\n"
                + "Subject: hi\nFrom: a@example.org\n\nFrom the start\nbody\n");
        assertThat(list(maildir.resolve("tmp"))).isEmpty();
        assertThat(maildir.resolve("cur")).isDirectory();
        assertThat(Files.getAttribute(files.get(0), "unix:uid")).isEqualTo(LocalTestbed.JOE_UID);
        assertThat(Files.getAttribute(maildir, "unix:uid")).isEqualTo(LocalTestbed.JOE_UID);
    }

    @Test
    void unknownUserShouldBounceWith511() {
        RecipientResult result = bed.deliver("sender@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.1.1");
        assertThat(result.diagnostic()).isEqualTo("unknown user: \"nosuch\"");
    }

    @Test
    void passwdTableFailureShouldDeferNotBounce() {
        bed.settings.put("local_passwd_maps", "down:passwd");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).startsWith("4.");
    }

    @Test
    void aliasTableFailureShouldDefer() {
        bed.settings.put("alias_maps", "test:aliases, down:aliases");

        RecipientResult result = bed.deliver("sender@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).isEqualTo("alias database unavailable");
    }

    @Test
    void extensionShouldBeStrippedForUserLookupAndKeptInDeliveredTo() throws IOException {
        bed.settings.put("recipient_delimiter", "+");

        RecipientResult result = bed.deliver("sender@example.org", "joe+lists@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(LocalTestbed.read(bed.spool.resolve("joe"))).contains("Delivered-To: joe+lists@example.com\n");
    }

    @Test
    void messageWithDeliveredToOfThisRecipientShouldBounceAsForwardingLoop() {
        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com",
                "Delivered-To: other@example.com\r\nDelivered-To: JOE@example.com\r\nSubject: x\r\n\r\nbody\r\n");

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.4.6");
        assertThat(result.diagnostic()).isEqualTo("mail forwarding loop for joe@example.com");
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void deliveredToInTheBodyShouldNotCountAsLoop() {
        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com",
                "Subject: x\r\n\r\nDelivered-To: joe@example.com\r\n");

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void mailboxOverSizeLimitShouldBounceAndLeaveMailboxUnchanged() throws IOException {
        bed.deliver("sender@example.org", "joe@example.com", "Subject: small\r\n\r\nx\r\n");
        String before = LocalTestbed.read(bed.spool.resolve("joe"));
        bed.settings.put("mailbox_size_limit", String.valueOf(before.length() + 100));

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com",
                "Subject: big\r\n\r\n" + "y".repeat(500) + "\r\n");

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.2.2");
        assertThat(LocalTestbed.read(bed.spool.resolve("joe"))).isEqualTo(before);
    }

    @Test
    void heldDotlockShouldDeferAfterLockAttempts() throws IOException {
        Files.createFile(bed.spool.resolve("joe.lock"));
        bed.settings.put("deliver_lock_attempts", "3");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.2.0");
        assertThat(result.diagnostic()).isEqualTo("unable to lock for exclusive access");
        assertThat(bed.spool.resolve("joe")).doesNotExist();
        assertThat(bed.spool.resolve("joe.lock")).exists();
    }

    @Test
    void aLockedMailboxShouldDeferItsRecipientWithoutHoldingUpTheOthers() throws Exception {
        // The dotlock a delivery killed with -9 left behind: not stale before stale_lock_time (500 s).
        Path lock = Files.createFile(bed.spool.resolve("joe.lock"));
        bed.passwd.put("ann", "ann:x:" + LocalTestbed.JOE_UID + ":" + LocalTestbed.JOE_GID + ":Ann:" + bed.joeHome + ":/bin/sh");
        bed.settings.put("deliver_lock_attempts", "20");
        bed.settings.put("deliver_lock_delay", "300ms");
        Path ann = bed.spool.resolve("ann");

        CompletableFuture<List<RecipientResult>> delivery = CompletableFuture.supplyAsync(() ->
                bed.deliverAll("sender@example.org", List.of("joe@example.com", "ann@example.com"), MESSAGE));
        for (int i = 0; i < 3000 && !(Files.exists(ann) && LocalTestbed.read(ann).contains("body")); i++) {
            Thread.sleep(10);
        }
        assertThat(LocalTestbed.read(ann)).contains("Delivered-To: ann@example.com");
        assertThat(delivery).as("joe's lock attempts still going on").isNotDone();

        List<RecipientResult> results = delivery.get();
        assertThat(results.get(0).outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(results.get(0).dsnStatus()).isEqualTo("4.2.0");
        assertThat(results.get(0).diagnostic()).isEqualTo("unable to lock for exclusive access");
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(bed.spool.resolve("joe")).doesNotExist();
        assertThat(lock).exists();
    }

    @Test
    void staleDotlockShouldBeRemoved() throws IOException {
        Path lock = Files.createFile(bed.spool.resolve("joe.lock"));
        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

        assertThat(bed.deliver("sender@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(lock).doesNotExist();
    }

    @Test
    void missingSpoolDirectoryShouldDeferWithoutPathInDiagnostic() {
        bed.settings.put("mail_spool_directory", bed.root.resolve("nonexistent").toString());

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).doesNotContain(bed.root.toString());
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
