// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueFile;
import org.postern.core.queue.QueueName;

/** Which notices a message gets, checked on the real RFC 3464 messages (parsed with Angus Mail). */
class DsnNoticesTest {

    @TempDir
    Path dir;

    private FileQueueStore store;

    /** What was queued: sender, recipients, parsed message. */
    record Queued(String sender, List<String> recipients, MimeMessage message) {
    }

    private final List<Queued> queued = new ArrayList<>();
    private final MessageSubmitter submitter = (sender, recipients, content, dsn) -> {
        try (InputStream in = content.open()) {
            queued.add(new Queued(sender, recipients.stream().map(Recipient::address).toList(),
                    new MimeMessage(Session.getInstance(new Properties()), in)));
        } catch (jakarta.mail.MessagingException e) {
            throw new IOException(e);
        }
        return "NOTICE";
    };

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private DsnNotices notices(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com"));
        lines.addAll(List.of(mainCf));
        PostfixConfig config = PostfixConfig.of(ParameterTable.standard(), new ConfigEnvironment(dir, dir, "mx.example.com"),
                MainCf.parse(dir.resolve("main.cf"), lines));
        return new DsnNotices(submitter, config);
    }

    private ActiveMessage message(String sender, List<EnvelopeRecipient> recipients, RecipientStatus... statuses)
            throws Exception {
        store = FileQueueStore.open(dir.resolve("queue"));
        Envelope envelope = Envelope.builder(sender, recipients, Instant.now()).messageId("<orig@example.org>").build();
        String id;
        try (IncomingMessage m = store.receive()) {
            m.content().write("Message-ID: <orig@example.org>\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
            m.commit(envelope).get();
            id = m.queueId();
        }
        List<QueueFile.Record> records = new ArrayList<>();
        for (RecipientStatus s : statuses) {
            records.add(s.toRecord());
        }
        return new ActiveMessage(id, QueueName.INCOMING, envelope, 40, records, Instant.now());
    }

    private static EnvelopeRecipient rcpt(String address, DsnNotify... notify) {
        return new EnvelopeRecipient(address, "", Set.of(notify));
    }

    private static RecipientStatus status(int index, Outcome outcome, String dsn, String diagnostic) {
        return new RecipientStatus(index, outcome, Instant.now(), dsn, "mx.remote.example[192.0.2.5]:25", diagnostic);
    }

    @Test
    void aFailureGoesBackToTheSenderWithTheOriginalMessageIdInReferences() throws Exception {
        ActiveMessage m = message("alice@example.org", List.of(rcpt("bob@remote.example"), rcpt("carol@remote.example")),
                status(0, Outcome.BOUNCED, "5.1.1", "host mx.remote.example[192.0.2.5] said: 550 5.1.1 no such user"),
                status(1, Outcome.DELIVERED, "2.0.0", "250 ok"));
        notices().finalNotices(m, store);
        assertThat(queued).hasSize(1);
        Queued bounce = queued.get(0);
        assertThat(bounce.sender()).isEmpty();
        assertThat(bounce.recipients()).containsExactly("alice@example.org");
        assertThat(bounce.message().getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(bounce.message().getHeader("References", " ")).isEqualTo("<orig@example.org>");
        assertThat(bounce.message().getHeader("In-Reply-To", " ")).isEqualTo("<orig@example.org>");
        assertThat(bounce.message().getContentType()).startsWith("multipart/report");
    }

    @Test
    void successNoticesOnlyForNotifySuccessAndNotForHandedOff() throws Exception {
        ActiveMessage m = message("alice@example.org",
                List.of(rcpt("a@remote.example", DsnNotify.SUCCESS), rcpt("b@remote.example", DsnNotify.SUCCESS),
                        rcpt("c@remote.example")),
                status(0, Outcome.DELIVERED, "2.0.0", "delivered to maildir"),
                status(1, Outcome.HANDED_OFF, "2.0.0", "250 ok"),
                status(2, Outcome.DELIVERED, "2.0.0", "250 ok"));
        notices().finalNotices(m, store);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).message().getSubject()).isEqualTo("Successful Mail Delivery Report");
    }

    @Test
    void notifyNeverAndTheNullSenderGetNoBounce() throws Exception {
        ActiveMessage never = message("alice@example.org", List.of(rcpt("bob@remote.example", DsnNotify.NEVER)),
                status(0, Outcome.BOUNCED, "5.1.1", "no"));
        notices().finalNotices(never, store);
        store.close();
        ActiveMessage fromNull = message("", List.of(rcpt("bob@remote.example")),
                status(0, Outcome.BOUNCED, "5.1.1", "no"));
        notices().finalNotices(fromNull, store);
        assertThat(queued).isEmpty();
    }

    @Test
    void notifyClassesAddPostmasterCopiesAndDoubleBounces() throws Exception {
        ActiveMessage m = message("alice@example.org", List.of(rcpt("bob@remote.example")),
                status(0, Outcome.BOUNCED, "5.1.1", "no"));
        notices("notify_classes = bounce, 2bounce").finalNotices(m, store);
        assertThat(queued).extracting(Queued::recipients).containsExactly(List.of("alice@example.org"),
                List.of("postmaster@mx.example.com"));
        store.close();
        queued.clear();
        ActiveMessage fromNull = message("", List.of(rcpt("bob@remote.example")), status(0, Outcome.BOUNCED, "5.1.1", "no"));
        notices("notify_classes = 2bounce", "double_bounce_sender = bounces@example.net").finalNotices(fromNull, store);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).sender()).isEqualTo("bounces@example.net");
    }

    @Test
    void delayNoticesListTheDeferredRecipients() throws Exception {
        ActiveMessage m = message("alice@example.org", List.of(rcpt("bob@remote.example"), rcpt("carol@remote.example", DsnNotify.FAILURE)),
                status(0, Outcome.DEFERRED, "4.4.1", "connection timed out"),
                status(1, Outcome.DEFERRED, "4.4.1", "connection timed out"));
        notices("delay_warning_time = 4h").delayNotice(m, store);
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).message().getSubject()).isEqualTo("Delayed Mail (still being retried)");
        String text = new String(queued.get(0).message().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).contains("bob@remote.example").doesNotContain("carol@remote.example");
    }
}
