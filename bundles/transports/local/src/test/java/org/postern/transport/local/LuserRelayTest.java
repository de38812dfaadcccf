// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.transport.local.RecordingMessageSubmitter.Submission;

/** luser_relay: unknown local recipients queued anew for the catch-all address. */
class LuserRelayTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nbody\r\n";

    @TempDir
    Path tmp;
    LocalTestbed bed;

    @BeforeEach
    void setUp() throws IOException {
        bed = new LocalTestbed(tmp);
        bed.settings.put("recipient_delimiter", "+");
    }

    @Test
    void unknownUserShouldBeForwardedToLuserRelayWithUserAndExtensionExpanded() {
        bed.settings.put("luser_relay", "$user+$extension@relay.example.net");

        RecipientResult result = bed.deliver("sender@example.org", "Nosuch+Tag@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(result.diagnostic()).isEqualTo("forwarded as Q1");
        Submission s = bed.submitter.submissions.get(0);
        assertThat(s.sender()).isEqualTo("sender@example.org");
        assertThat(s.recipients()).extracting(Recipient::address).containsExactly("nosuch+tag@relay.example.net");
        assertThat(s.recipients()).extracting(Recipient::originalRecipient).containsExactly("rfc822;Nosuch+2BTag@example.com");
        assertThat(s.content()).isEqualTo("Delivered-To: nosuch+tag@example.com\r\n" + MESSAGE);
        assertThat(s.dsn().envelopeId()).isEqualTo("ENV1");
    }

    @Test
    void conditionalExpansionShouldAddTheExtensionOnlyWhenThereIsOne() {
        bed.settings.put("luser_relay", "$user${extension?+$extension}@relay.example.net");

        bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);
        bed.deliver("s@example.org", "nosuch+x@example.com", MESSAGE);

        assertThat(bed.submitter.submissions).extracting(s -> s.recipients().get(0).address())
                .containsExactly("nosuch@relay.example.net", "nosuch+x@relay.example.net");
    }

    @Test
    void luserRelayWithoutDomainShouldBeQualifiedWithMyorigin() {
        bed.settings.put("luser_relay", "admin+$local");

        bed.deliver("s@example.org", "nosuch+x@other.example", MESSAGE);

        assertThat(bed.submitter.submissions.get(0).recipients()).extracting(Recipient::address)
                .containsExactly("admin+nosuch+x@example.com");
    }

    @Test
    void unknownUserShouldBounceWhenLuserRelayIsEmpty() {
        bed.settings.put("luser_relay", "");

        RecipientResult result = bed.deliver("s@example.org", "nosuch+x@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.1.1");
        assertThat(result.diagnostic()).isEqualTo("unknown user: \"nosuch\"");
        assertThat(bed.submitter.submissions).isEmpty();
    }

    @Test
    void postmasterAndMailerDaemonWithoutAliasShouldBeDiscardedNotBounced() {
        bed.settings.put("luser_relay", "");

        for (String who : List.of("postmaster@example.com", "MAILER-DAEMON@example.com")) {
            RecipientResult result = bed.deliver("s@example.org", who, MESSAGE);
            assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(result.dsnStatus()).isEqualTo("2.0.0");
            assertThat(result.diagnostic()).isEqualTo("discarded");
        }
        assertThat(bed.submitter.submissions).isEmpty();
    }

    @Test
    void knownUsersAndAliasesShouldNotGoToLuserRelay() throws IOException {
        bed.settings.put("luser_relay", "catchall@relay.example.net");
        bed.aliases.put("staff", "bob@example.net");

        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(bed.deliver("s@example.org", "staff@example.com", MESSAGE).outcome()).isEqualTo(Outcome.EXPANDED);

        assertThat(bed.submitter.submissions).extracting(s -> s.recipients().get(0).address())
                .containsExactly("bob@example.net");
        assertThat(LocalTestbed.read(bed.spool.resolve("joe"))).contains("Subject: hi");
    }

    @Test
    void luserRelayShouldBeAnAddressEvenWhenItLooksLikeACommand() {
        Path marker = bed.out.resolve("ran");
        bed.settings.put("luser_relay", "|touch " + marker);

        RecipientResult result = bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(Files.exists(marker)).isFalse();
        assertThat(bed.submitter.submissions.get(0).recipients().get(0).address()).startsWith("|touch ");
    }

    @Test
    void luserRelayBackToTheSameAddressShouldBounceAsLoopWhenTheCopyReturns() {
        bed.settings.put("luser_relay", "$user@example.com");

        bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);
        String copy = bed.submitter.submissions.get(0).content();
        RecipientResult back = bed.deliver("s@example.org", "nosuch@example.com", copy);

        assertThat(back.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(back.dsnStatus()).isEqualTo("5.4.6");
        assertThat(bed.submitter.submissions).hasSize(1);
    }

    @Test
    void malformedLuserRelayShouldDeferNotBounce() {
        bed.settings.put("luser_relay", "${user@relay.example.net");

        RecipientResult result = bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.5");
        assertThat(bed.submitter.submissions).isEmpty();
    }

    @Test
    void backslashUnknownUserInAliasShouldGoToLuserRelay() {
        bed.settings.put("luser_relay", "catchall+$user@relay.example.net");
        bed.aliases.put("team", "\\ghost");

        RecipientResult result = bed.deliver("s@example.org", "team@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.submitter.submissions.get(0).recipients()).extracting(Recipient::address)
                .containsExactly("catchall+ghost@relay.example.net");
    }
}
