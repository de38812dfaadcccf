// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.command.TypedCommandLine.values;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueName;

class QueueIdCompleterTest {

    @TempDir
    Path dir;

    private FileQueueStore store;

    @BeforeEach
    void open() throws Exception {
        store = FileQueueStore.open(dir.resolve("queue"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String queued() throws Exception {
        IncomingMessage m = store.receive();
        try (OutputStream out = m.content()) {
            out.write("Subject: t\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        m.commit(Envelope.builder("a@example.org", List.of(new EnvelopeRecipient("x@example.com", "", Set.of())),
                Instant.parse("2026-01-01T00:00:00Z")).build()).get();
        return m.queueId();
    }

    @Test
    void completeShouldOfferTheIdsMailqLists() throws Exception {
        String incoming = queued();
        String held = queued();
        String deferred = queued();
        store.move(held, QueueName.HOLD);
        store.move(deferred, QueueName.DEFERRED);

        assertThat(values(new QueueIdCompleter(store), "postern:postcat -q "))
                .containsExactlyInAnyOrder(incoming, held, deferred);
    }

    @Test
    void completeShouldOfferOnlyIdsWithThePrefix() throws Exception {
        String first = queued();
        String second = queued();
        String prefix = first.substring(0, commonPrefixLength(first, second) + 1);

        assertThat(values(new QueueIdCompleter(store), "postern:postsuper -d " + prefix)).containsExactly(first);
    }

    @Test
    void completeShouldOfferNothingForAnEmptyQueue() {
        assertThat(values(new QueueIdCompleter(store), "postern:postsuper -h ")).isEmpty();
    }

    private static int commonPrefixLength(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
