// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.MessageFacts;

/** mailbox_command and mailbox_command_maps: real shell commands writing into joe's home. */
class MailboxCommandTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nFrom here\r\nbody\r\n";

    @TempDir
    Path tmp;
    LocalTestbed bed;

    @BeforeEach
    void setUp() throws IOException {
        bed = new LocalTestbed(tmp);
    }

    @Test
    void mailboxCommandShouldGetTheMessageAndTheRecipientEnvironmentAsTheUser() throws IOException {
        bed.settings.put("recipient_delimiter", "+");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"; printf '%s\\n' \"$USER\" \"$LOGNAME\" \"$HOME\" \"$SHELL\" "
                + "\"$SENDER\" \"$RECIPIENT\" \"$ORIGINAL_RECIPIENT\" \"$LOCAL\" \"$EXTENSION\" \"$DOMAIN\" "
                + "\"$CLIENT_ADDRESS\" \"$CLIENT_HELO\" > \"$HOME/env\"");

        RecipientResult result = bed.deliver("sender@example.org", "Joe+Lists@Example.com", MESSAGE,
                MessageFacts.none(Instant.EPOCH).withClient(new ClientFacts("", "", "192.0.2.1", -1, "client.example.org", "")));

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.diagnostic()).isEqualTo("delivered to command");
        Path got = bed.joeHome.resolve("got");
        assertThat(LocalTestbed.read(got)).matches("From sender@example\\.org  .{24}\n"
                + "Return-Path: <sender@example\\.org>\nX-Original-To: Joe\\+Lists@Example\\.com\n"
                + "Delivered-To: joe\\+lists@example\\.com\nSubject: hi\n\nFrom here\nbody\n");
        assertThat(LocalTestbed.read(bed.joeHome.resolve("env"))).isEqualTo(String.join("\n", "joe", "joe",
                bed.joeHome.toString(), "/bin/sh", "sender@example.org", "Joe+Lists@Example.com", "Joe+Lists@Example.com",
                "joe+lists", "lists", "example.com", "192.0.2.1", "client.example.org") + "\n");
        assertThat(Files.getAttribute(got, "unix:uid")).isEqualTo(LocalTestbed.JOE_UID);
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void mailboxCommandTextShouldReachTheShellUnexpanded() throws IOException {
        // postconf(5): mailbox_command is not subject to $name expansion; "$EXTENSION" is the shell's.
        bed.settings.put("recipient_delimiter", "+");
        bed.settings.put("mailbox_command", "cat > /dev/null; printf '%s|%s' \"$EXTENSION\" \"$extension\" > \"$HOME/ext\"");

        assertThat(bed.deliver("s@example.org", "joe+lists@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(LocalTestbed.read(bed.joeHome.resolve("ext"))).isEqualTo("lists|");
    }

    @Test
    void mailboxCommandExit75ShouldDefer() {
        bed.settings.put("mailbox_command", "cat > /dev/null; exit 75");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo("temporary failure");
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void mailboxCommandExit67ShouldBounceAsUserUnknownWithItsOutput() {
        bed.settings.put("mailbox_command", "cat > /dev/null; echo no such mailbox; exit 67");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.1.1");
        assertThat(result.diagnostic()).isEqualTo("user unknown. Command output: no such mailbox");
    }

    @Test
    void mailboxCommandExit1ShouldBounceWithoutNamingTheCommand() {
        bed.settings.put("mailbox_command", "cat > /dev/null; exit 1");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.3.0");
        assertThat(result.diagnostic()).isEqualTo("Command died with status 1");
    }

    @Test
    void mailboxCommandMapsEntryShouldWinOverMailboxCommand() {
        bed.settings.put("mailbox_command_maps", "test:commands");
        bed.settings.put("mailbox_command", "cat > \"$HOME/by-default\"");
        bed.commands.put("joe", "cat > \"$HOME/by-map\"");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(bed.joeHome.resolve("by-map")).exists();
        assertThat(bed.joeHome.resolve("by-default")).doesNotExist();
    }

    @Test
    void mailboxCommandShouldApplyWhenTheMapsHaveNoEntryForTheUser() {
        bed.settings.put("mailbox_command_maps", "test:commands");
        bed.settings.put("mailbox_command", "cat > \"$HOME/by-default\"");
        bed.commands.put("ann", "cat > \"$HOME/by-map\"");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(bed.joeHome.resolve("by-default")).exists();
        assertThat(bed.joeHome.resolve("by-map")).doesNotExist();
    }

    @Test
    void mailboxCommandMapsEntryAloneShouldReplaceTheMailbox() {
        bed.settings.put("mailbox_command_maps", "test:commands");
        bed.commands.put("joe", "cat > \"$HOME/by-map\"");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(bed.joeHome.resolve("by-map")).exists();
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void mailboxCommandMapsFailureShouldDeferNotFallBackToTheMailbox() {
        bed.settings.put("mailbox_command_maps", "down:commands");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo("table lookup failure");
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void mailboxCommandShouldWinOverHomeMailbox() {
        bed.settings.put("home_mailbox", "Maildir/");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(bed.joeHome.resolve("got")).exists();
        assertThat(bed.joeHome.resolve("Maildir")).doesNotExist();
    }

    @Test
    void aliasShouldTakePrecedenceOverMailboxCommand() {
        bed.aliases.put("joe", "bob@example.net");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.submitter.submissions.get(0).recipients()).extracting(Recipient::address)
                .containsExactly("bob@example.net");
        assertThat(bed.joeHome.resolve("got")).doesNotExist();
    }

    @Test
    void forwardFileShouldTakePrecedenceOverMailboxCommand() throws IOException {
        Files.writeString(bed.joeHome.resolve(".forward"), "bob@example.net\n");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.joeHome.resolve("got")).doesNotExist();
    }

    @Test
    void backslashUserInForwardFileShouldReachMailboxCommand() throws IOException {
        Files.writeString(bed.joeHome.resolve(".forward"), "bob@example.net, \\joe\n");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.submitter.submissions).hasSize(1);
        assertThat(LocalTestbed.read(bed.joeHome.resolve("got"))).contains("Delivered-To: joe@example.com\n");
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void mailboxCommandForRootShouldRunAsDefaultPrivs() throws IOException {
        Path rootHome = Files.createDirectory(bed.root.resolve("root"));
        bed.passwd.put("root", "root:x:0:0:root:" + rootHome + ":/bin/sh");
        Path uid = bed.out.resolve("uid");
        bed.settings.put("mailbox_command", "cat > /dev/null; id -u > " + uid);

        assertThat(bed.deliver("s@example.org", "root@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(LocalTestbed.read(uid)).isEqualTo(LocalTestbed.NOBODY_UID + "\n");
    }

    @Test
    void mailboxCommandShouldNotBeRestrictedByAllowMailToCommands() {
        bed.settings.put("allow_mail_to_commands", "");
        bed.settings.put("mailbox_command", "cat > \"$HOME/got\"");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(bed.joeHome.resolve("got")).exists();
    }
}
