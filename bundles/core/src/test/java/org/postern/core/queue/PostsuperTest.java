// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.queue.Postsuper.Operation;

/** postsuper against a real FileQueueStore in a temporary directory. */
class PostsuperTest {

    @TempDir
    Path dir;

    private FileQueueStore store;
    private final StringWriter err = new StringWriter();
    private String stdin = "";

    @BeforeEach
    void open() throws IOException {
        store = FileQueueStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String queued(QueueName where) throws Exception {
        IncomingMessage m = store.receive();
        try (OutputStream out = m.content()) {
            out.write("Subject: t\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        m.commit(TestMessages.envelope("a@example.org", "x@example.com")).get();
        if (where != QueueName.INCOMING) {
            assertThat(store.move(m.queueId(), where)).isTrue();
        }
        return m.queueId();
    }

    private int run(Map<Operation, List<String>> ids, String... queues) {
        return new Postsuper(store).run(ids, List.of(queues), () -> new BufferedReader(new StringReader(stdin)),
                new PrintWriter(err, true));
    }

    private static Map<Operation, List<String>> op(Operation op, String... ids) {
        Map<Operation, List<String>> m = new EnumMap<>(Operation.class);
        m.put(op, List.of(ids));
        return m;
    }

    private QueueName where(String id) throws IOException {
        return store.find(id).map(QueuedMessage::queue).orElse(null);
    }

    @Test
    void deleteShouldRemoveNamedMessagesAndReportTheCount() throws Exception {
        String a = queued(QueueName.DEFERRED);
        String b = queued(QueueName.HOLD);
        String keep = queued(QueueName.INCOMING);
        assertThat(run(op(Operation.DELETE, a, b))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Deleted: 2 messages\n");
        assertThat(where(a)).isNull();
        assertThat(where(b)).isNull();
        assertThat(where(keep)).isEqualTo(QueueName.INCOMING);
    }

    @Test
    void deleteAllShouldBeRestrictedToTheNamedQueue() throws Exception {
        String d1 = queued(QueueName.DEFERRED);
        String d2 = queued(QueueName.DEFERRED);
        String h = queued(QueueName.HOLD);
        assertThat(run(op(Operation.DELETE, "ALL"), "deferred")).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Deleted: 2 messages\n");
        assertThat(where(d1)).isNull();
        assertThat(where(d2)).isNull();
        assertThat(where(h)).isEqualTo(QueueName.HOLD);
    }

    @Test
    void holdAndReleaseShouldMoveBetweenHoldAndDeferred() throws Exception {
        String a = queued(QueueName.DEFERRED);
        String b = queued(QueueName.INCOMING);
        assertThat(run(op(Operation.HOLD, "ALL"))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Placed on hold: 2 messages\n");
        assertThat(where(a)).isEqualTo(QueueName.HOLD);
        assertThat(where(b)).isEqualTo(QueueName.HOLD);

        err.getBuffer().setLength(0);
        assertThat(run(op(Operation.RELEASE, b))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Released from hold: 1 message\n");
        assertThat(where(b)).isEqualTo(QueueName.DEFERRED);
        assertThat(where(a)).isEqualTo(QueueName.HOLD);
    }

    @Test
    void holdShouldNotCountAMessageAlreadyOnHold() throws Exception {
        String a = queued(QueueName.HOLD);
        assertThat(run(op(Operation.HOLD, a))).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(where(a)).isEqualTo(QueueName.HOLD);
    }

    @Test
    void requeueShouldMoveToIncoming() throws Exception {
        String a = queued(QueueName.DEFERRED);
        String b = queued(QueueName.HOLD);
        assertThat(run(op(Operation.REQUEUE, "ALL"))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Requeued: 2 messages\n");
        assertThat(where(a)).isEqualTo(QueueName.INCOMING);
        assertThat(where(b)).isEqualTo(QueueName.INCOMING);
    }

    @Test
    void dashShouldReadQueueIdsFromStandardInput() throws Exception {
        String a = queued(QueueName.DEFERRED);
        String b = queued(QueueName.DEFERRED);
        String c = queued(QueueName.DEFERRED);
        stdin = a + "\n\n  " + b + " extra words\n";
        assertThat(run(op(Operation.DELETE, "-"))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Deleted: 2 messages\n");
        assertThat(where(c)).isEqualTo(QueueName.DEFERRED);
    }

    @Test
    void messageOutsideTheNamedQueuesShouldBeLeftAlone() throws Exception {
        String a = queued(QueueName.HOLD);
        assertThat(run(op(Operation.DELETE, a), "deferred")).isZero();
        assertThat(err.toString()).isEmpty();
        assertThat(where(a)).isEqualTo(QueueName.HOLD);
    }

    @Test
    void operationsShouldRunInPostfixOrderAndReportRequeuedFirst() throws Exception {
        String a = queued(QueueName.DEFERRED);
        String b = queued(QueueName.DEFERRED);
        Map<Operation, List<String>> ids = new EnumMap<>(Operation.class);
        ids.put(Operation.HOLD, List.of(b));
        ids.put(Operation.DELETE, List.of(a));
        ids.put(Operation.REQUEUE, List.of(b));
        assertThat(run(ids)).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: Requeued: 1 message\npostsuper: Deleted: 1 message\n"
                + "postsuper: Placed on hold: 1 message\n");
        assertThat(where(b)).isEqualTo(QueueName.HOLD);
    }

    @Test
    void badQueueIdShouldBeWarnedAboutAndSkipped() throws Exception {
        String a = queued(QueueName.DEFERRED);
        assertThat(run(op(Operation.DELETE, "../../etc/passwd", a))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: warning: invalid mail queue id: ../../etc/passwd\n"
                + "postsuper: Deleted: 1 message\n");
    }

    @Test
    void allWithOtherIdsShouldWarnThatTheyAreIgnored() throws Exception {
        String a = queued(QueueName.DEFERRED);
        assertThat(run(op(Operation.DELETE, "ALL", a))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: warning: option \"-d ALL\" will ignore other command line queue IDs\n"
                + "postsuper: Deleted: 1 message\n");
    }

    @Test
    void unknownQueueNameShouldBeFatal() throws Exception {
        String a = queued(QueueName.DEFERRED);
        assertThat(run(op(Operation.DELETE, "ALL"), "nosuchqueue")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("postsuper: fatal: invalid directory name: nosuchqueue\n");
        assertThat(where(a)).isEqualTo(QueueName.DEFERRED);
    }

    @Test
    void lowerCaseAllShouldBeAnInvalidIdNotEverything() throws Exception {
        String a = queued(QueueName.DEFERRED);
        List<String> before = new ArrayList<>(List.of(a));
        assertThat(run(op(Operation.DELETE, "all"))).isZero();
        assertThat(err.toString()).isEqualTo("postsuper: warning: invalid mail queue id: all\n");
        assertThat(where(before.get(0))).isEqualTo(QueueName.DEFERRED);
    }
}
