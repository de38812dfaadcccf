// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.MessageFacts;
import org.postern.transport.local.RecordingTransportDispatcher.Handoff;

/** mailbox_transport(_maps) and fallback_transport(_maps): recipients handed to another master.cf service. */
class MailboxTransportTest {

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
    void mailboxTransportShouldTakeTheUserInsteadOfTheMailboxWithTheTargetsResultAndRelay() {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");

        RecipientResult result = bed.deliver("s@example.org", "Joe+Tag@example.com", MESSAGE);

        assertThat(result).isEqualTo(new RecipientResult(LocalTestbed.recipient("Joe+Tag@example.com"),
                Outcome.DELIVERED, "2.0.0", "250 2.0.0 Saved", "private/dovecot-lmtp"));
        Handoff h = bed.dispatcher.handoffs.get(0);
        assertThat(h.transport()).isEqualTo("lmtp");
        assertThat(h.nexthop()).isEqualTo("unix:private/dovecot-lmtp");
        assertThat(h.request().recipients()).extracting(Recipient::address).containsExactly("Joe+Tag@example.com");
        assertThat(h.request().sender()).isEqualTo("s@example.org");
        assertThat(h.request().facts().dsn().envelopeId()).isEqualTo("ENV1");
        assertThat(Files.exists(bed.spool.resolve("joe"))).isFalse();
    }

    @Test
    void mailboxTransportWithoutNexthopShouldUseTheRequestsNexthop() {
        bed.settings.put("mailbox_transport", "dovecot");

        bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(bed.dispatcher.handoffs).extracting(Handoff::transport, Handoff::nexthop)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dovecot", "mail.example.com"));
    }

    @Test
    void aliasesAndForwardFilesShouldComeBeforeMailboxTransport() throws IOException {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.aliases.put("staff", "bob@example.net");
        Files.writeString(bed.joeHome.resolve(".forward"), "elsewhere@example.net\n");

        assertThat(bed.deliver("s@example.org", "staff@example.com", MESSAGE).outcome()).isEqualTo(Outcome.EXPANDED);
        assertThat(bed.deliver("s@example.org", "joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.EXPANDED);

        assertThat(bed.dispatcher.handoffs).isEmpty();
        assertThat(bed.submitter.submissions).extracting(s -> s.recipients().get(0).address())
                .containsExactly("bob@example.net", "elsewhere@example.net");
    }

    @Test
    void mailboxTransportShouldComeBeforeMailboxCommand() {
        Path marker = bed.out.resolve("ran");
        bed.settings.put("mailbox_command", "touch " + marker);
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(bed.dispatcher.handoffs).hasSize(1);
        assertThat(Files.exists(marker)).isFalse();
    }

    @Test
    void mailboxTransportMapsEntryShouldWinOverMailboxTransport() {
        bed.settings.put("mailbox_transport_maps", "test:transports");
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.transports.put("joe", "lmtp:inet:[10.0.0.5]:24");

        bed.deliver("s@example.org", "joe+tag@example.com", MESSAGE);

        Handoff h = bed.dispatcher.handoffs.get(0);
        assertThat(h.transport()).isEqualTo("lmtp");
        assertThat(h.nexthop()).isEqualTo("inet:[10.0.0.5]:24");
    }

    @Test
    void backslashUserInAliasShouldGoThroughMailboxTransport() {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.aliases.put("team", "\\joe");

        RecipientResult result = bed.deliver("s@example.org", "team@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.relay()).isEqualTo("private/dovecot-lmtp");
        assertThat(bed.dispatcher.handoffs).hasSize(1);
    }

    @Test
    void deferredAndBouncedResultsOfTheTargetShouldBeTheRecipientsResult() {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.dispatcher.answer = r -> new RecipientResult(r, Outcome.DEFERRED, "4.2.2", "452 4.2.2 Mailbox is full", "lmtp");
        RecipientResult deferred = bed.deliver("s@example.org", "joe@example.com", MESSAGE);
        bed.dispatcher.answer = r -> new RecipientResult(r, Outcome.BOUNCED, "5.1.1", "550 5.1.1 User doesn't exist", "lmtp");
        RecipientResult bounced = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(deferred.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(deferred.dsnStatus()).isEqualTo("4.2.2");
        assertThat(deferred.diagnostic()).isEqualTo("452 4.2.2 Mailbox is full");
        assertThat(bounced.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(bounced.dsnStatus()).isEqualTo("5.1.1");
        assertThat(bounced.diagnostic()).isEqualTo("550 5.1.1 User doesn't exist");
    }

    @Test
    void eachRecipientShouldBeHandedOverAlone() {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.registry.put("test:aliases", bed.aliases).put("test:passwd", bed.passwd).put("test:transports", bed.transports);
        Map<String, String> settings = Map.copyOf(bed.settings);
        List<Recipient> both = List.of(LocalTestbed.recipient("joe@example.com"), LocalTestbed.recipient("joe+x@example.com"));

        List<RecipientResult> results = bed.agent.deliver(new DeliveryRequest("Q", "local", "mail.example.com", "s@example.org",
                both, LocalTestbed.content(MESSAGE), MessageFacts.none(Instant.EPOCH), List.of(),
                settings::get)).results();

        assertThat(results).extracting(RecipientResult::recipient).containsExactlyElementsOf(both);
        // Recipients are delivered side by side (RecipientsInParallel): the hand-offs come in any order.
        assertThat(bed.dispatcher.handoffs).extracting(h -> h.request().recipients()).containsExactlyInAnyOrder(
                List.of(both.get(0)), List.of(both.get(1)));
    }

    @Test
    void mailboxTransportShouldDeferWhenNoDispatcherIsRegistered() {
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.registry.put("test:aliases", bed.aliases).put("test:passwd", bed.passwd);
        Map<String, String> settings = Map.copyOf(bed.settings);
        LocalDeliveryAgent alone = new LocalDeliveryAgent(bed.registry, bed.submitter, null);

        RecipientResult result = alone.deliver(new DeliveryRequest("Q", "local", "", "s@example.org",
                List.of(new Recipient("joe@example.com", "", Set.of())), LocalTestbed.content(MESSAGE),
                MessageFacts.none(Instant.EPOCH), List.of(), settings::get)).results().get(0);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo("mail transport unavailable");
        assertThat(Files.exists(bed.spool.resolve("joe"))).isFalse();
    }

    @Test
    void mailboxTransportMapsFailureShouldDefer() {
        bed.settings.put("mailbox_transport_maps", "down:transports");
        bed.settings.put("mailbox_transport", "lmtp:unix:private/dovecot-lmtp");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(bed.dispatcher.handoffs).isEmpty();
    }

    @Test
    void fallbackTransportShouldTakeUnknownUsersBeforeLuserRelay() {
        bed.settings.put("fallback_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.settings.put("luser_relay", "catchall@example.net");

        RecipientResult result = bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(bed.dispatcher.handoffs).extracting(h -> h.request().recipients().get(0).address())
                .containsExactly("nosuch@example.com");
        assertThat(bed.submitter.submissions).isEmpty();
    }

    @Test
    void fallbackTransportMapsEntryShouldWinOverFallbackTransport() {
        bed.settings.put("fallback_transport_maps", "test:transports");
        bed.settings.put("fallback_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.transports.put("nosuch", "relay:[archive.example.net]");

        bed.deliver("s@example.org", "nosuch+x@example.com", MESSAGE);

        assertThat(bed.dispatcher.handoffs).extracting(Handoff::transport, Handoff::nexthop)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("relay", "[archive.example.net]"));
    }

    @Test
    void fallbackTransportShouldNotTakeKnownUsers() {
        bed.settings.put("fallback_transport", "lmtp:unix:private/dovecot-lmtp");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.relay()).isEqualTo("local");
        assertThat(bed.dispatcher.handoffs).isEmpty();
    }

    @Test
    void fallbackTransportBounceShouldBeTheUnknownUsersBounce() {
        bed.settings.put("fallback_transport", "lmtp:unix:private/dovecot-lmtp");
        bed.dispatcher.answer = r -> new RecipientResult(r, Outcome.BOUNCED, "5.1.1", "550 5.1.1 User unknown", "lmtp");

        RecipientResult result = bed.deliver("s@example.org", "nosuch@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.diagnostic()).isEqualTo("550 5.1.1 User unknown");
    }

    @Test
    void transportWithoutNameShouldDeferAsConfigurationError() {
        bed.settings.put("mailbox_transport", ":unix:private/dovecot-lmtp");

        RecipientResult result = bed.deliver("s@example.org", "joe@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.5");
        assertThat(bed.dispatcher.handoffs).isEmpty();
    }
}
