// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.BodyType;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.SaslFacts;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.LogFacts;
import org.postern.core.message.TlsFacts;

/**
 * Queue files written before the envelope was typed still load. {@code queue/v1-queue-file.bin}
 * was written by the code of that time (envelope attributes as a map of strings), with every
 * attribute smtpd and cleanup recorded then; {@code v1-queue-file.postcat.txt} is what that
 * code's postcat printed for it.
 */
class QueueFileVersion1Test {

    @TempDir
    Path dir;

    private Path oldFile() throws IOException {
        Path file = dir.resolve("4ZqkQm1VkXz7ab");
        try (InputStream in = getClass().getResourceAsStream("/queue/v1-queue-file.bin")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void everyFactOfTheOldFormatShouldLoadIntoTheTypedEnvelope() throws IOException {
        Envelope e = QueueFile.read(oldFile()).envelope();

        assertThat(e.sender()).isEqualTo("alice@example.org");
        assertThat(e.recipients()).containsExactly(
                new EnvelopeRecipient("bob@example.com", "rfc822;bob@example.com", Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE)),
                new EnvelopeRecipient("carol@example.com", "", Set.of()));
        assertThat(e.arrival()).isEqualTo(Instant.ofEpochSecond(1796515200L, 123456789));
        assertThat(e.dsn()).isEqualTo(new DsnRequest("ENV+2D1", DsnRequest.Return.HDRS));
        assertThat(e.client()).isEqualTo(new ClientFacts("client.example", "client.example", "192.0.2.10", 41234,
                "helo.example", "ESMTPSA"));
        assertThat(e.sasl()).isEqualTo(new SaslFacts("PLAIN", "alice", "alice@example.org"));
        assertThat(e.saslHeader()).isTrue();
        assertThat(e.log()).isEqualTo(new LogFacts("client.example", "192.0.2.10", "41234",
                "client.example[192.0.2.10]", "helo.example", "ESMTP", "abc123", "REMOTE"));
        assertThat(e.service()).isEqualTo("submission");
        assertThat(e.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(e.smtputf8()).isTrue();
        assertThat(e.sizeDeclared()).isEqualTo(1234);
        assertThat(e.tls()).isEqualTo(new TlsFacts("TLSv1.3", "TLS_AES_256_GCM_SHA384"));
        assertThat(e.messageId()).isEqualTo("<m1@client.example>");
        assertThat(e.actions().hold()).contains("quarantine for review");
        assertThat(e.actions().filter()).contains("smtp-amavis:[127.0.0.1]:10024");
        assertThat(e.actions().redirect()).isEmpty();
        assertThat(e.actions().bcc()).isEmpty();
    }

    @Test
    void theTypedEnvelopeShouldWriteTheSameRecordsAsTheOldCode() throws IOException {
        Path file = oldFile();
        QueueFile.Parsed p = QueueFile.read(file);
        byte[] bytes = Files.readAllBytes(file);
        byte[] commit = QueueFile.envelopeRecords(p.envelope(), p.contentLength(), p.contentCrc());
        int start = (int) (p.contentOffset() + p.contentLength());

        assertThat(commit).isEqualTo(Arrays.copyOfRange(bytes, start, start + commit.length));
    }

    @Test
    void requireTlsShouldSurviveTheQueueFileAndBeAbsentFromOldOnes() throws IOException {
        Path file = oldFile();
        QueueFile.Parsed p = QueueFile.read(file);
        assertThat(p.envelope().requireTls()).as("an old file has no REQUIRETLS").isFalse();

        Envelope withRequireTls = p.envelope().toBuilder().requireTls(true).build();
        byte[] records = QueueFile.envelopeRecords(withRequireTls, p.contentLength(), p.contentCrc());
        byte[] bytes = Files.readAllBytes(file);
        int start = (int) (p.contentOffset() + p.contentLength());
        Path rewritten = dir.resolve("4ZqkQm1VkXz7ac");
        try (var out = Files.newOutputStream(rewritten)) {
            out.write(bytes, 0, start);
            out.write(records);
        }

        assertThat(QueueFile.read(rewritten).envelope().requireTls()).isTrue();
    }

    @Test
    void postcatShouldPrintTheOldFileAsTheOldCodeDid() throws IOException {
        Path file = oldFile();
        QueueFile.Parsed p = QueueFile.read(file);
        byte[] bytes = Files.readAllBytes(file);
        StringWriter out = new StringWriter();
        new Postcat(ZoneOffset.UTC).print(new QueuedMessage("4ZqkQm1VkXz7ab", QueueName.HOLD, p.contentLength(), p.envelope()),
                p.appended(), new ByteArrayInputStream(bytes, (int) p.contentOffset(), (int) p.contentLength()), Set.of(),
                new PrintWriter(out));

        String expected;
        try (InputStream in = getClass().getResourceAsStream("/queue/v1-queue-file.postcat.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(out.toString()).isEqualTo(expected);
    }
}
