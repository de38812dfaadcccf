// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.queue.TestMessages.envelope;
import static org.postern.core.queue.TestMessages.selfCheckingMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.message.Envelope;
import org.postern.core.message.MessageActions;
import org.postern.core.queue.DiskOp.Event;
import org.postern.core.queue.DiskOp.Event.Kind;

/**
 * SUMMARY   The queue's crash safety against a model of power loss, at every point of its protocols.
 * DESCRIPTION
 *   Killing the JVM keeps the page cache, so a crash test with a real process cannot tell a
 *   missing fsync. Here the queue runs one scenario (commit, commit into hold, an unfinished
 *   receive, a failed commit, status appends, hold, deferral, moves, removals) on a
 *   {@link RecordingDisk}; then, for every prefix of the recorded operations, the states a
 *   power loss could leave ({@link PowerLossState}: only what was synced, everything, and
 *   random mixtures with torn writes) are written out, the queue is opened on each (its
 *   recovery runs) and these invariants are checked:
 *   <ul>
 *   <li>every acknowledged message is present, once, in a queue other than corrupt/, and whole;</li>
 *   <li>nothing torn is ever in a queue that is scheduled (its content is exactly what was sent);</li>
 *   <li>a message whose commit failed (the client was told 451) does not come back;</li>
 *   <li>a removed message stays removed; a moved (held, deferred) one is where it was moved;</li>
 *   <li>a forced status record is there; a deferral time is never earlier than was set;</li>
 *   <li>a message with a HOLD action is never in incoming/ carrying the marker that says its hold was done.</li>
 *   </ul>
 */
class PowerLossTest {

    private static final int RANDOM_STATES_PER_POINT = 24;
    private static final QueueFile.Record HELD_MARKER = new QueueFile.Record((byte) 'H', new byte[0]);

    @TempDir
    Path dir;

    private final Map<String, byte[]> contents = new HashMap<>();
    private final Map<String, Envelope> envelopes = new HashMap<>();

    @Test
    void everyStateAPowerLossCanLeaveShouldRecoverWithTheQueueInvariantsKept() throws Exception {
        Path queue = dir.resolve("queue");
        RecordingDisk disk = new RecordingDisk(queue);
        runScenario(queue, disk);
        List<DiskOp> ops = disk.ops();
        assertThat(ops).hasSizeGreaterThan(60);

        Random random = new Random(20261206);
        int states = 0;
        for (int k = 0; k <= ops.size(); k++) {
            PowerLossState state = new PowerLossState(ops.subList(0, k));
            List<DiskOp> before = ops.subList(0, k);
            checkState(before, k, "minimal", state::minimal);
            checkState(before, k, "everything", state::everything);
            for (int r = 0; r < RANDOM_STATES_PER_POINT; r++) {
                checkState(before, k, "random#" + r, target -> state.random(target, random));
                states++;
            }
            states += 2;
        }
        assertThat(states).isGreaterThan(3000);
        System.out.printf("PowerLossTest: %d operations recorded, %d crash states rebuilt and recovered%n",
                ops.size(), states);
    }

    // ------------------------------------------------------------------ the scenario

    private void runScenario(Path queue, RecordingDisk disk) throws Exception {
        FileQueueStore store = FileQueueStore.open(queue, FileQueueStore.Options.defaults().withSyncThreads(1)
                .withDisk(disk));
        try {
            String a = commit(store, disk, 1, 3000, envelope("a@example.org", "x@example.com", "y@example.com"));
            String held = commit(store, disk, 2, 500, envelope("a@example.org", "x@example.com").toBuilder()
                    .actions(MessageActions.NONE.withHold("access HOLD")).build());
            assertThat(store.read(held).orElseThrow().queue()).isEqualTo(QueueName.HOLD);

            IncomingMessage unfinished = store.receive();   // a client that never finished DATA
            contents.put(unfinished.queueId(), new byte[0]);
            unfinished.content().write(selfCheckingMessage(3, 20_000));

            String d = commit(store, disk, 4, 1000, envelope("a@example.org", "x@example.com"));
            appendStatus(store, disk, d, 0);
            String h = commit(store, disk, 5, 1000, envelope("a@example.org", "x@example.com").toBuilder()
                    .actions(MessageActions.NONE.withHold("header_checks HOLD")).build());
            move(store, disk, h, QueueName.INCOMING);   // as if requeued from hold with postsuper -r
            disk.event(Kind.MOVING, h, null);
            assertThat(store.hold(h, HELD_MARKER)).isTrue();   // the queue manager's HOLD step
            disk.event(Kind.MOVED, h, QueueName.HOLD);

            String f = commit(store, disk, 6, 800, envelope("a@example.org", "x@example.com"));
            Instant next = Instant.parse("2030-01-01T00:00:00Z");
            store.setNextAttempt(f, next);
            disk.event(Kind.DEFERRED_UNTIL, f, next);
            move(store, disk, f, QueueName.DEFERRED);

            String g = commit(store, disk, 7, 900, envelope("a@example.org", "x@example.com"));
            remove(store, disk, g);   // postsuper -d

            disk.failForceOf = "";   // the next commit's force fails: ENOSPC
            commit(store, disk, 8, 700, envelope("a@example.org", "x@example.com"));

            String big = commit(store, disk, 9, 200_000, envelope("a@example.org", "x@example.com"));
            appendStatus(store, disk, a, 0);
            appendStatus(store, disk, a, 1);
            remove(store, disk, a);   // delivered to all

            move(store, disk, d, QueueName.HOLD);   // postsuper -h, then -H
            move(store, disk, d, QueueName.DEFERRED);
            appendStatus(store, disk, big, 0);
        } finally {
            store.close();
        }
    }

    private String commit(FileQueueStore store, RecordingDisk disk, long seed, int size, Envelope envelope)
            throws IOException, InterruptedException {
        byte[] content = selfCheckingMessage(seed, size);
        IncomingMessage m = store.receive();
        contents.put(m.queueId(), content);
        envelopes.put(m.queueId(), envelope);
        try (OutputStream out = m.content()) {
            for (int at = 0; at < content.length; at += 70_000) {   // several writes for a large message
                out.write(content, at, Math.min(70_000, content.length - at));
            }
        }
        try {
            m.commit(envelope).get(30, TimeUnit.SECONDS);
            disk.event(Kind.ACKNOWLEDGED, m.queueId(), null);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            disk.event(Kind.FAILED, m.queueId(), null);
        }
        return m.queueId();
    }

    private static void move(FileQueueStore store, RecordingDisk disk, String id, QueueName to) throws IOException {
        disk.event(Kind.MOVING, id, null);
        assertThat(store.move(id, to)).isTrue();
        disk.event(Kind.MOVED, id, to);
    }

    private static void remove(FileQueueStore store, RecordingDisk disk, String id) throws IOException {
        disk.event(Kind.REMOVING, id, null);
        assertThat(store.remove(id)).isTrue();
        disk.event(Kind.REMOVED, id, null);
    }

    private static void appendStatus(FileQueueStore store, RecordingDisk disk, String id, int recipient)
            throws IOException {
        QueueFile.Record done = new QueueFile.Record((byte) 'D', ("done " + recipient).getBytes());
        assertThat(store.append(id, List.of(done))).isTrue();
        disk.event(Kind.STATUS_FORCED, id, done);
    }

    // ------------------------------------------------------------------ the invariants

    private interface Materializer {
        void write(Path target) throws IOException;
    }

    /** What callers had been told by the crash point. */
    private static final class Told {
        final Set<String> acknowledged = new LinkedHashSet<>();
        final List<String> failed = new ArrayList<>();
        final List<String> removing = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        final Map<String, QueueName> movedTo = new HashMap<>();
        final Map<String, List<QueueFile.Record>> statuses = new HashMap<>();
        final Map<String, Instant> deferredUntil = new HashMap<>();

        Told(List<DiskOp> ops) {
            for (DiskOp op : ops) {
                if (op instanceof Event e) {
                    switch (e.kind()) {
                        case ACKNOWLEDGED -> acknowledged.add(e.queueId());
                        case FAILED -> failed.add(e.queueId());
                        case REMOVING -> removing.add(e.queueId());   // present or not until it returns
                        case REMOVED -> removed.add(e.queueId());
                        case MOVING -> movedTo.remove(e.queueId());   // either queue until the move returns
                        case MOVED -> movedTo.put(e.queueId(), (QueueName) e.detail());
                        case STATUS_FORCED -> statuses.computeIfAbsent(e.queueId(), x -> new ArrayList<>())
                                .add((QueueFile.Record) e.detail());
                        case DEFERRED_UNTIL -> deferredUntil.put(e.queueId(), (Instant) e.detail());
                    }
                }
            }
        }
    }

    private void checkState(List<DiskOp> before, int k, String kind, Materializer materializer) throws IOException {
        Path state = dir.resolve("state");
        deleteTree(state);
        materializer.write(state);
        String where = "power loss after operation " + k + " (" + (k == 0 ? "start" : before.get(k - 1)) + "), "
                + kind + " state";
        Told told = new Told(before);
        try (FileQueueStore store = FileQueueStore.open(state, FileQueueStore.Options.defaults().withSyncThreads(1)
                .withDisk(NO_SYNC))) {
            Map<String, List<QueueName>> found = scheduledFiles(state);
            for (Map.Entry<String, List<QueueName>> e : found.entrySet()) {
                String id = e.getKey();
                assertThat(e.getValue()).as(where + ": %s is in one queue", id).hasSize(1);
                assertThat(content(store, id)).as(where + ": %s is whole", id).isEqualTo(contents.get(id));
                assertThat(told.failed).as(where + ": %s was refused with 451 and came back", id).doesNotContain(id);
                assertThat(told.removed).as(where + ": %s was removed and came back", id).doesNotContain(id);
                FileQueueStore.Stored stored = store.read(id).orElseThrow();
                assertThat(stored.parsed().envelope()).as(where + ": %s envelope", id).isEqualTo(envelopes.get(id));
                boolean holdDone = stored.parsed().appended().stream().anyMatch(r -> r.type() == 'H');
                if (stored.queue() == QueueName.INCOMING && envelopes.get(id).actions().hold().isPresent()) {
                    assertThat(holdDone).as(where + ": %s would be delivered without its hold", id).isFalse();
                }
                QueueName expected = told.movedTo.get(id);
                if (expected != null) {
                    assertThat(stored.queue()).as(where + ": %s was moved", id).isEqualTo(expected);
                }
                for (QueueFile.Record r : told.statuses.getOrDefault(id, List.of())) {
                    assertThat(stored.parsed().appended()).as(where + ": %s forced status", id)
                            .anyMatch(a -> a.type() == r.type() && java.util.Arrays.equals(a.payload(), r.payload()));
                }
                Instant until = told.deferredUntil.get(id);
                if (until != null) {
                    assertThat(store.nextAttempt(id).orElseThrow()).as(where + ": %s deferral time", id)
                            .isAfterOrEqualTo(until);
                }
            }
            for (String id : told.acknowledged) {
                if (!told.removing.contains(id)) {
                    assertThat(found).as(where + ": acknowledged %s is lost", id).containsKey(id);
                }
            }
        }
    }

    /** Queue IDs by the queues (other than corrupt/) whose directory holds them. */
    private static Map<String, List<QueueName>> scheduledFiles(Path state) throws IOException {
        Map<String, List<QueueName>> found = new LinkedHashMap<>();
        for (QueueName q : QueueName.values()) {
            if (q == QueueName.CORRUPT) {
                continue;
            }
            try (Stream<Path> files = Files.list(state.resolve(q.directory()))) {
                files.map(p -> p.getFileName().toString()).filter(QueueIds::isValid)
                        .forEach(id -> found.computeIfAbsent(id, x -> new ArrayList<>()).add(q));
            }
        }
        return found;
    }

    private static byte[] content(FileQueueStore store, String id) throws IOException {
        try (InputStream in = store.content(id)) {
            return in.readAllBytes();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Recovery on a rebuilt state needs no syncs: there is no later power loss to survive. */
    private static final QueueDisk NO_SYNC = new ForwardingQueueDisk(QueueDisk.REAL) {
        @Override
        public void force(FileChannel channel, Path file) {
        }

        @Override
        public void syncDirectory(Path directory) {
        }
    };
}
