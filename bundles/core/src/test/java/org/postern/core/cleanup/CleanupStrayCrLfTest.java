// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.postern.api.message.ClientFacts;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.RecordingQueueStore;

/** cleanup_replace_stray_cr_lf: what reaches the queue has no CR or LF but the CRLF line ends. */
class CleanupStrayCrLfTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T10:06:07Z"), ZoneOffset.UTC);

    private final RecordingQueueStore queue = new RecordingQueueStore();
    private final TestTables tables = new TestTables();

    private CleanupQueueStore cleanup(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com", "mydomain = example.com",
                "mydestination = $myhostname, localhost", "mynetworks = 127.0.0.0/8"));
        lines.addAll(Arrays.asList(mainCf));
        PostfixConfig config = PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com"),
                MainCf.parse(Path.of("main.cf"), lines));
        return CleanupQueueStore.create(queue, config, tables, CLOCK);
    }

    /** From an outsider (192.0.2.7), fed in pieces of {@code piece} bytes; returns what was queued. */
    private String queued(CleanupQueueStore store, String content, int piece) throws Exception {
        Envelope env = Envelope.builder("a@example.org", List.of(new EnvelopeRecipient("b@example.com", "", Set.of())),
                CLOCK.instant()).client(new ClientFacts("client.example.net", "", "192.0.2.7", 40000,
                "helo.example.net", "ESMTP")).build();
        CleanupMessage m = store.receive();
        m.announce(env);
        OutputStream out = m.content();
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            out.write(b, i, Math.min(piece, b.length - i));
        }
        CompletableFuture<Void> f = m.commit(env);
        f.get();
        String text = queue.last().text();
        return text.substring(text.indexOf("\r\n", text.indexOf("\tfor <b@example.com>")) + 2); // after Received:
    }

    /** No CR without LF after it and no LF without CR before it. */
    private static void assertOnlyCrlf(String text) {
        assertThat(text.replace("\r\n", "")).doesNotContain("\r", "\n");
    }

    @Test
    void strayCrInHeaderAndBodyShouldBecomeSpaces() throws Exception {
        for (int piece : new int[] {1, 3, 7, 4096}) {
            String q = queued(cleanup(), "Subject: one\rtwo\r\n\r\nline\rwith CR\r\n.\r\rlast\r\n", piece);

            assertThat(q).as("pieces of %d", piece)
                    .endsWith("Subject: one two\r\n\r\nline with CR\r\n.  last\r\n");
            assertOnlyCrlf(q);
        }
    }

    @Test
    void contentCopiedThroughUninspectedShouldBeFilteredToo() throws Exception {
        // No body_checks and no MIME: the body is copied through without being split into lines.
        String q = queued(cleanup(), "Subject: s\r\n\r\nfirst\r\n\rsecond\nthird\r\r\n.\r\n", 4096);

        assertThat(q).endsWith("Subject: s\r\n\r\nfirst\r\n second\r\nthird \r\n.\r\n");
        assertOnlyCrlf(q);
    }

    @Test
    void headerChecksShouldSeeTheSpaceNotTheCr() throws Exception {
        tables.regexp("hc", "^Subject: one two$", "REPLACE Subject: seen");
        String q = queued(cleanup("header_checks = regexp:hc"), "Subject: one\rtwo\r\n\r\nb\r\n", 5);

        assertThat(q).contains("Subject: seen\r\n\r\nb\r\n");
    }

    @Test
    void crInTextFromATableShouldBecomeASpace() throws Exception {
        tables.regexp("hc", "^X-Mark:", "PREPEND X-Added: a\rb");
        String q = queued(cleanup("header_checks = regexp:hc"), "X-Mark: 1\r\n\r\nb\r\n", 4096);

        assertThat(q).contains("X-Added: a b\r\nX-Mark: 1\r\n");
        assertOnlyCrlf(q);
    }

    @Test
    void overLongBodyLinesShouldKeepTheirLineEndAndLoseTheirStrayCr() throws Exception {
        tables.regexp("bc", "^never matches$", "REJECT"); // body_checks keep the body in line mode
        String longLine = "x".repeat(150) + "\r" + "y".repeat(150);
        String q = queued(cleanup("line_length_limit = 100", "body_checks = regexp:bc"),
                "Subject: s\r\n\r\n" + longLine + "\r\n" + "z".repeat(101) + "\r\n", 7);

        assertThat(q).endsWith("\r\n\r\n" + "x".repeat(150) + " " + "y".repeat(150) + "\r\n" + "z".repeat(101) + "\r\n");
        assertOnlyCrlf(q);
    }

    @Test
    void noShouldLeaveStrayCrAsItCame() throws Exception {
        String q = queued(cleanup("cleanup_replace_stray_cr_lf = no"), "Subject: one\rtwo\r\n\r\nline\rx\r\n", 4096);

        assertThat(q).endsWith("Subject: one\rtwo\r\n\r\nline\rx\r\n");
    }
}
