// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

/**
 * local(8) in a JVM that is not root: deliveries for other users need the privileged delivery
 * helper and are deferred without it; deliveries for the JVM's own user need nothing. The
 * agent is told which uid the JVM has, so that this runs the same as root and as a user.
 */
class PrivilegeSeparationTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nbody\r\n";
    private static final int POSTERN_UID = 4242;

    @TempDir
    Path tmp;

    private LocalTestbed unprivileged(int processUid) throws IOException {
        LocalTestbed bed = new LocalTestbed(tmp, processUid);
        bed.settings.put("delivery_helper_socket", tmp.resolve("no-helper").toString());
        return bed;
    }

    private String unavailable(String user) {
        return "local delivery to " + user + " needs the privileged delivery helper at " + tmp.resolve("no-helper")
                + ", which is not running";
    }

    @Test
    void mailboxOfAnotherUserShouldBeDeferredWhenTheHelperIsNotRunning() throws IOException {
        LocalTestbed bed = unprivileged(POSTERN_UID);

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo(unavailable("joe"));
        assertThat(bed.spool.resolve("joe")).doesNotExist();
    }

    @Test
    void maildirOfAnotherUserShouldBeDeferredWhenTheHelperIsNotRunning() throws IOException {
        LocalTestbed bed = unprivileged(POSTERN_UID);
        bed.settings.put("home_mailbox", "Maildir/");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).isEqualTo(unavailable("joe"));
        assertThat(bed.joeHome.resolve("Maildir")).doesNotExist();
    }

    @Test
    void forwardFileOfAnotherUserShouldBeDeferredWhenTheHelperIsNotRunning() throws IOException {
        LocalTestbed bed = unprivileged(POSTERN_UID);
        Files.writeString(bed.joeHome.resolve(".forward"), "someone@example.net\n");

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).isEqualTo(unavailable("joe"));
        assertThat(bed.submitter.submissions).isEmpty();
    }

    @Test
    void mailboxCommandOfAnotherUserShouldBeDeferredWhenTheHelperIsNotRunning() throws IOException {
        LocalTestbed bed = unprivileged(POSTERN_UID);
        Path marker = bed.out.resolve("ran");
        bed.settings.put("mailbox_command", "touch " + marker);

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).isEqualTo(unavailable("joe"));
        assertThat(marker).doesNotExist();
    }

    @Test
    void mailboxOfTheJvmsOwnUserShouldBeDeliveredWithoutTheHelper() throws IOException {
        LocalTestbed bed = unprivileged(LocalTestbed.JOE_UID);

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(LocalTestbed.read(bed.spool.resolve("joe"))).contains("Subject: hi\n\nbody\n");
    }

    @Test
    void forwardFileAndCommandOfTheJvmsOwnUserShouldWorkWithoutTheHelper() throws IOException {
        LocalTestbed bed = unprivileged(LocalTestbed.JOE_UID);
        bed.settings.put("allow_mail_to_commands", "alias, forward");
        Path out = bed.out.resolve("piped");
        Files.writeString(bed.joeHome.resolve(".forward"), "\"|cat > " + out + "\"\n");
        new org.postern.transport.delivery.MailboxOwner(LocalTestbed.JOE_UID, LocalTestbed.JOE_GID)
                .applyTo(bed.joeHome.resolve(".forward"));

        RecipientResult result = bed.deliver("sender@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(LocalTestbed.read(out)).contains("Subject: hi\n\nbody\n");
    }
}
