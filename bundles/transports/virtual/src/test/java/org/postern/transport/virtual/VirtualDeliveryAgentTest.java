// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.MessageFacts;
import org.postern.testing.MapDictRegistry;
import org.postern.transport.delivery.MailboxOwner;

class VirtualDeliveryAgentTest {

    private static final String MESSAGE = "Subject: hi\r\n\r\nFrom here\r\nbody\r\n";
    private static final int UID = MailboxOwner.processIsRoot() ? 5002 : MailboxOwner.ofProcess().uid();

    @TempDir
    Path base;
    final Map<String, String> settings = new HashMap<>();
    final Map<String, String> mailboxes = new HashMap<>();
    final MapDictRegistry registry = new MapDictRegistry();
    final VirtualDeliveryAgent agent = new VirtualDeliveryAgent(registry);

    @BeforeEach
    void setUp() {
        settings.put("virtual_mailbox_base", base.toString());
        settings.put("virtual_mailbox_maps", "test:mailboxes");
        settings.put("virtual_uid_maps", "static:" + UID);
        settings.put("virtual_gid_maps", "static:" + UID);
        // The lowest value Postfix (and the declaration) allows; UID is never 0.
        settings.put("virtual_minimum_uid", "1");
        settings.put("myhostname", "mx.example.com");
        mailboxes.put("joe@example.com", "example.com/joe/");
        mailboxes.put("@example.com", "example.com/catchall");
    }

    RecipientResult deliver(String recipient, String message) {
        return deliverAll(List.of(recipient), message).get(0);
    }

    List<RecipientResult> deliverAll(List<String> recipients, String message) {
        return deliverWith(agent, recipients, message);
    }

    List<RecipientResult> deliverWith(VirtualDeliveryAgent deliveryAgent, List<String> recipients, String message) {
        registry.put("test:mailboxes", mailboxes);
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        MessageContent content = new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
        Map<String, String> snapshot = Map.copyOf(settings);
        return deliveryAgent.deliver(new DeliveryRequest("4XV", "virtual", "example.com", "sender@example.org",
                recipients.stream().map(r -> new Recipient(r, "", Set.of())).toList(), content,
                MessageFacts.none(Instant.EPOCH), List.of(), snapshot::get)).results();
    }

    @Test
    void aLockedMailboxShouldDeferItsRecipientWithoutHoldingUpTheOthersOfTheRequest() throws Exception {
        mailboxes.put("ann@example.com", "example.com/ann");
        mailboxes.put("bob@example.com", "example.com/bob");
        Files.createDirectories(base.resolve("example.com"));
        // The dotlock a delivery killed with -9 left behind: not stale before stale_lock_time (500 s).
        Path lock = Files.createFile(base.resolve("example.com/ann.lock"));
        settings.put("deliver_lock_attempts", "20");
        settings.put("deliver_lock_delay", "300ms");
        Path bob = base.resolve("example.com/bob");

        CompletableFuture<List<RecipientResult>> delivery = CompletableFuture.supplyAsync(() ->
                deliverAll(List.of("ann@example.com", "bob@example.com"), MESSAGE));
        for (int i = 0; i < 3000 && !(Files.exists(bob) && Files.readString(bob).contains("body")); i++) {
            Thread.sleep(10);
        }
        assertThat(Files.readString(bob)).contains("Delivered-To: bob@example.com");
        assertThat(delivery).as("ann's lock attempts still going on").isNotDone();

        List<RecipientResult> results = delivery.get();
        assertThat(results.get(0).outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(results.get(0).dsnStatus()).isEqualTo("4.2.0");
        assertThat(results.get(0).diagnostic()).isEqualTo("unable to lock for exclusive access");
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(base.resolve("example.com/ann")).doesNotExist();
        assertThat(lock).exists();
    }

    @Test
    void exactEntryEndingInSlashShouldDeliverToMaildirAsTheMappedUid() throws IOException {
        RecipientResult result = deliver("Joe@Example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(result.relay()).isEqualTo("virtual");
        List<Path> files = list(base.resolve("example.com/joe/new"));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0))).isEqualTo("Return-Path: <sender@example.org>\n"
                + "X-Original-To: Joe@Example.com\nDelivered-To: joe@example.com\nSubject: hi\n\nFrom here\nbody\n");
        assertThat(Files.getAttribute(files.get(0), "unix:uid")).isEqualTo(UID);
        assertThat(Files.getAttribute(base.resolve("example.com/joe"), "unix:uid")).isEqualTo(UID);
    }

    @Test
    void catchAllShouldDeliverOtherUsersToItsMbox() throws IOException {
        RecipientResult result = deliver("anyone@example.com", MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(Files.readString(base.resolve("example.com/catchall"))).matches(
                "From sender@example\\.org  .{24}\nReturn-Path: <sender@example\\.org>\n"
                        + "X-Original-To: anyone@example\\.com\nDelivered-To: anyone@example\\.com\n"
                        + "Subject: hi\n\n>From here\nbody\n\n");
        assertThat(base.resolve("example.com/joe")).doesNotExist();
    }

    @Test
    void extensionShouldFallBackToTheUserEntry() {
        settings.put("recipient_delimiter", "+");

        assertThat(deliver("joe+news@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(base.resolve("example.com/joe/new")).isDirectory();
    }

    @Test
    void unknownRecipientShouldBounceAndFailingTableShouldDefer() {
        RecipientResult unknown = deliver("joe@example.net", MESSAGE);
        settings.put("virtual_mailbox_maps", "down:mailboxes");
        RecipientResult down = deliver("joe@example.com", MESSAGE);

        assertThat(unknown.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(unknown.dsnStatus()).isEqualTo("5.1.1");
        assertThat(down.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(down.dsnStatus()).isEqualTo("4.3.0");
    }

    @Test
    void uidFromTableShouldBeCheckedAgainstMinimum() {
        settings.put("virtual_uid_maps", "test:uids");
        settings.put("virtual_minimum_uid", "1000");
        registry.put("test:uids", Map.of("joe@example.com", "12", "@example.com", "5003"));

        RecipientResult low = deliver("joe@example.com", MESSAGE);
        RecipientResult catchAll = deliver("other@example.com", "Subject: x\r\n\r\ny\r\n");

        assertThat(low.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(low.diagnostic()).isEqualTo("mail system configuration error");
        assertThat(catchAll.outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void mboxOverVirtualMailboxLimitShouldBounce() {
        settings.put("virtual_mailbox_limit", "100");

        RecipientResult result = deliver("anyone@example.com", "Subject: big\r\n\r\n" + "x".repeat(200) + "\r\n");

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.2.2");
    }

    @Test
    void mailboxPathExpressionShouldOverrideTheTableValue() throws IOException {
        settings.put("virtual_mailbox_path", "${virtual_mailbox_base}/${domain}/${user}/Maildir/");

        assertThat(deliver("anyone@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(deliver("joe@example.com", MESSAGE).outcome()).isEqualTo(Outcome.DELIVERED);

        assertThat(list(base.resolve("example.com/anyone/Maildir/new"))).hasSize(1);
        assertThat(list(base.resolve("example.com/joe/Maildir/new"))).hasSize(1);
        assertThat(base.resolve("example.com/catchall")).doesNotExist();
    }

    @Test
    void mailboxPathExpressionShouldNotLetTheLocalPartLeaveTheBase() {
        settings.put("virtual_mailbox_path", "${virtual_mailbox_base}/${domain}/${user}/");

        RecipientResult dots = deliver("..@example.com", MESSAGE);
        RecipientResult slash = deliver("a/../../x@example.com", MESSAGE);

        assertThat(dots.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(slash.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(base.resolve("example.com/a_.._.._x/new")).isDirectory();
    }

    @Test
    void deliveredToThisRecipientShouldBounceAsLoop() {
        RecipientResult result = deliver("joe@example.com", "Delivered-To: joe@example.com\r\n" + MESSAGE);

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.4.6");
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void anotherUsersMailboxShouldWaitForTheDeliveryHelperWhenTheJvmIsNotRoot() throws Exception {
        VirtualDeliveryAgent unprivileged = new VirtualDeliveryAgent(registry, UID + 1);
        settings.put("delivery_helper_socket", base.resolve("no-helper").toString());
        RecipientResult result = deliverWith(unprivileged, List.of("joe@example.com"), MESSAGE).get(0);

        assertThat(result.outcome()).isEqualTo(RecipientResult.Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo("virtual delivery as uid " + UID
                + " needs the privileged delivery helper at " + base.resolve("no-helper") + ", which is not running");
        assertThat(base.resolve("example.com/joe")).doesNotExist();
    }
}
