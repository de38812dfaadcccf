// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.transport.local.RecordingMessageSubmitter.Submission;

class AliasExpansionTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nFrom here\r\nbody\r\n";

    @TempDir
    Path tmp;
    LocalTestbed bed;

    @BeforeEach
    void setUp() throws IOException {
        bed = new LocalTestbed(tmp);
    }

    @Test
    void aliasToAddressesShouldQueueOneCopyWithDeliveredToAndReportExpanded() {
        bed.aliases.put("staff", "bob@example.net, alice, \"Carol\" <carol@example.org>");

        RecipientResult result = bed.deliver("sender@example.org", "Staff@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(result.diagnostic()).isEqualTo("forwarded as Q1");
        assertThat(bed.submitter.submissions).hasSize(1);
        Submission s = bed.submitter.submissions.get(0);
        assertThat(s.sender()).isEqualTo("sender@example.org");
        assertThat(s.recipients()).extracting(Recipient::address)
                .containsExactly("bob@example.net", "alice@example.com", "carol@example.org");
        assertThat(s.recipients()).extracting(Recipient::originalRecipient).containsOnly("rfc822;Staff@example.com");
        assertThat(s.content()).isEqualTo("Delivered-To: staff@example.com\r\n" + MESSAGE);
        assertThat(s.dsn().envelopeId()).isEqualTo("ENV1");
    }

    @Test
    void ownerAliasShouldBecomeTheEnvelopeSenderOfTheExpansion() {
        bed.aliases.put("list", "bob@example.net");
        bed.aliases.put("owner-list", "joe");

        assertThat(bed.deliver("sender@example.org", "list@example.com", MESSAGE).outcome()).isEqualTo(Outcome.EXPANDED);

        assertThat(bed.submitter.submissions.get(0).sender()).isEqualTo("owner-list@example.com");
    }

    @Test
    void aliasWithExtensionShouldBeTriedBeforeTheBareAlias() {
        bed.settings.put("recipient_delimiter", "+");
        bed.aliases.put("list", "plain@example.net");
        bed.aliases.put("list+digest", "digest@example.net");

        bed.deliver("s@example.org", "list+digest@example.com", MESSAGE);
        bed.deliver("s@example.org", "list+other@example.com", MESSAGE);

        assertThat(bed.submitter.submissions).extracting(s -> s.recipients().get(0).address())
                .containsExactly("digest@example.net", "plain@example.net");
    }

    @Test
    void includeFileShouldExpandItsAddresses() throws IOException {
        Path members = Files.writeString(bed.root.resolve("members"), "# the list\nbob@example.net\nann@example.net, dan@example.net\n");
        bed.aliases.put("team", ":include:" + members);

        RecipientResult result = bed.deliver("s@example.org", "team@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.submitter.submissions.get(0).recipients()).extracting(Recipient::address)
                .containsExactly("bob@example.net", "ann@example.net", "dan@example.net");
    }

    @Test
    void commandInAliasShouldRunWithTheMessageOnStdin() throws IOException {
        Path outFile = bed.out.resolve("cmd.txt");
        bed.aliases.put("robot", "\"|cat > " + outFile + "; echo \\\"$USER $RECIPIENT $EXTENSION\\\" >> " + outFile + "\"");

        RecipientResult result = bed.deliver("sender@example.org", "robot@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.diagnostic()).isEqualTo("delivered to command");
        String written = LocalTestbed.read(outFile);
        assertThat(written).startsWith("From sender@example.org  ");
        assertThat(written).contains("Return-Path: <sender@example.org>\nX-Original-To: robot@example.com\n"
                + "Delivered-To: robot@example.com\nSubject: hi\n\nFrom here\nbody\nnobody robot@example.com \n");
        if (LocalTestbed.ROOT) {
            assertThat(Files.getAttribute(outFile, "unix:uid")).isEqualTo(LocalTestbed.NOBODY_UID);
        }
    }

    @Test
    void commandExit75ShouldDeferAndExit1ShouldBounceWithoutCommandText() {
        bed.aliases.put("later", "|exit 75");
        bed.aliases.put("broken", "\"|echo no such mailbox; exit 1\"");

        RecipientResult later = bed.deliver("s@example.org", "later@example.com", MESSAGE);
        RecipientResult broken = bed.deliver("s@example.org", "broken@example.com", MESSAGE);

        assertThat(later.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(later.dsnStatus()).isEqualTo("4.3.0");
        assertThat(broken.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(broken.dsnStatus()).isEqualTo("5.3.0");
        assertThat(broken.diagnostic()).isEqualTo("Command died with status 1. Command output: no such mailbox");
        assertThat(broken.diagnostic()).doesNotContain("echo");
    }

    @Test
    void commandRunningPastTimeLimitShouldBeKilled() {
        bed.settings.put("command_time_limit", "1s");
        bed.aliases.put("slow", "|sleep 30");
        long start = System.nanoTime();

        RecipientResult result = bed.deliver("s@example.org", "slow@example.com", MESSAGE);

        assertThat(result.diagnostic()).isEqualTo("Command time limit exceeded");
        assertThat(System.nanoTime() - start).isLessThan(20_000_000_000L);
    }

    @Test
    void commandInIncludeFileShouldBeRestrictedByDefault() throws IOException {
        Path members = Files.writeString(bed.root.resolve("members"), "|cat > /dev/null\n");
        bed.aliases.put("team", ":include:" + members);

        RecipientResult result = bed.deliver("s@example.org", "team@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.7.1");
        assertThat(result.diagnostic()).isEqualTo("mail to command is restricted");
    }

    @Test
    void fileDestinationShouldAppendInMboxFormat() throws IOException {
        Path archive = bed.out.resolve("archive");
        bed.aliases.put("archive", archive.toString());

        RecipientResult result = bed.deliver("sender@example.org", "archive@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(LocalTestbed.read(archive)).matches("From sender@example\\.org  .{24}\n"
                + "Return-Path: <sender@example\\.org>\nX-Original-To: archive@example\\.com\n"
                + "Delivered-To: archive@example\\.com\nSubject: hi\n\n>From here\nbody\n\n");
    }

    @Test
    void fileDestinationInDirectoryTheUserCannotWriteShouldBounce() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalTestbed.ROOT, "permission checks apply when running as root");
        Path closed = Files.createDirectory(bed.root.resolve("closed"));
        bed.aliases.put("archive", closed.resolve("archive").toString());

        RecipientResult result = bed.deliver("sender@example.org", "archive@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(closed.resolve("archive")).doesNotExist();
    }

    @Test
    void maildirDestinationShouldDeliverIntoNew() throws IOException {
        Path box = bed.out.resolve("box");
        bed.aliases.put("box", box + "/");

        assertThat(bed.deliver("sender@example.org", "box@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(LocalDeliveryAgentTest.list(box.resolve("new"))).hasSize(1);
    }

    @Test
    void aliasLoopShouldBounceOnceTheCopyComesBack() {
        bed.aliases.put("a", "b");
        bed.aliases.put("b", "a");

        bed.deliver("s@example.org", "a@example.com", MESSAGE);
        String copy = bed.submitter.submissions.get(0).content();
        assertThat(copy).startsWith("Delivered-To: a@example.com\r\n");
        bed.deliver("s@example.org", "b@example.com", copy);
        String second = bed.submitter.submissions.get(1).content();
        RecipientResult back = bed.deliver("s@example.org", "a@example.com", second);

        assertThat(back.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(back.dsnStatus()).isEqualTo("5.4.6");
    }

    @Test
    void forwardFileShouldForwardAndKeepCopyWithBackslashUser() throws IOException {
        Files.writeString(bed.joeHome.resolve(".forward"), "bob@example.net, \\joe\n");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.submitter.submissions.get(0).sender()).isEqualTo("sender@example.org");
        assertThat(bed.submitter.submissions.get(0).recipients()).extracting(Recipient::address).containsExactly("bob@example.net");
        assertThat(LocalTestbed.read(bed.spool.resolve("joe"))).contains("Delivered-To: joe@example.com\n");
    }

    @Test
    void forwardFileWithExtensionShouldBeUsedForThatExtensionOnly() throws IOException {
        bed.settings.put("recipient_delimiter", "+");
        Files.writeString(bed.joeHome.resolve(".forward+lists"), "lists@example.net\n");
        Files.writeString(bed.joeHome.resolve(".forward"), "everything@example.net\n");

        bed.deliver("s@example.org", "joe+lists@example.com", MESSAGE);
        bed.deliver("s@example.org", "joe+other@example.com", MESSAGE);
        bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(bed.submitter.submissions).extracting(s -> s.recipients().get(0).address())
                .containsExactly("lists@example.net", "everything@example.net", "everything@example.net");
    }

    @Test
    void forwardingWithoutSubmitterShouldDefer() {
        bed.aliases.put("staff", "bob@example.net");
        LocalDeliveryAgent alone = new LocalDeliveryAgent(bed.registry, null);
        bed.registry.put("test:aliases", bed.aliases).put("test:passwd", bed.passwd);
        java.util.Map<String, String> settings = java.util.Map.copyOf(bed.settings);

        RecipientResult result = alone.deliver(new org.postern.api.delivery.DeliveryRequest("Q", "local", "", "s@example.org",
                java.util.List.of(new Recipient("staff@example.com", "", Set.of())), LocalTestbed.content(MESSAGE),
                org.postern.api.message.MessageFacts.none(java.time.Instant.EPOCH), java.util.List.of(), settings::get))
                .results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
    }
}
