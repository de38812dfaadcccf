// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.core.queue.TestMessages.envelope;
import static org.postern.core.queue.TestMessages.selfCheckingMessage;
import static org.postern.core.queue.TestMessages.submit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.message.Envelope;

class FileQueueStoreTest {

    @TempDir
    Path dir;

    private final List<FileQueueStore> opened = new ArrayList<>();

    private FileQueueStore open(FileQueueStore.Options options) throws IOException {
        FileQueueStore s = FileQueueStore.open(dir, options);
        opened.add(s);
        return s;
    }

    private FileQueueStore open() throws IOException {
        return open(FileQueueStore.Options.defaults());
    }

    @AfterEach
    void closeAll() {
        opened.forEach(FileQueueStore::close);
    }

    private List<String> filesIn(QueueName q) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(q.directory()))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void openShouldCreatePostfixQueueDirectories() throws IOException {
        open();
        for (QueueName q : QueueName.values()) {
            assertThat(dir.resolve(q.directory())).isDirectory();
        }
    }

    @Test
    void commitShouldStoreEnvelopeAndContentForRoundTrip() throws Exception {
        FileQueueStore store = open();
        byte[] content = selfCheckingMessage(1, 4000);
        Envelope env = TestMessages.dsnEnvelope();
        TestMessages.Submitted s = submit(store, content, env);
        s.committed().get(10, TimeUnit.SECONDS);

        QueuedMessage m = store.find(s.queueId()).orElseThrow();
        assertThat(m.queue()).isEqualTo(QueueName.INCOMING);
        assertThat(m.size()).isEqualTo(content.length);
        assertThat(m.envelope()).isEqualTo(env);
        try (InputStream in = store.content(s.queueId())) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(filesIn(QueueName.INCOMING)).containsExactly(s.queueId());
        Path file = dir.resolve("incoming").resolve(s.queueId());
        assertThat(QueueFile.contentIntact(file, QueueFile.read(file))).isTrue();
    }

    @Test
    void envelopeShouldSurviveReopeningTheStore() throws Exception {
        FileQueueStore store = open();
        Envelope env = envelope("", "postmaster@example.com");
        TestMessages.Submitted s = submit(store, "Subject: bounce\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII), env);
        s.committed().get(10, TimeUnit.SECONDS);
        store.close();

        FileQueueStore again = open();
        assertThat(again.recovery().messages()).isEqualTo(1);
        assertThat(again.find(s.queueId()).orElseThrow().envelope()).isEqualTo(env);
        assertThat(again.receive().queueId()).isGreaterThan(s.queueId());
    }

    @Test
    void largeContentShouldRoundTripAcrossBufferBoundaries() throws Exception {
        FileQueueStore store = open();
        byte[] content = selfCheckingMessage(7, 300_000);
        IncomingMessage m = store.receive();
        OutputStream out = m.content();
        for (int i = 0; i < content.length; i += 1000) {
            out.write(content, i, Math.min(1000, content.length - i));
        }
        out.write('\r');
        out.write('\n');
        m.commit(envelope("a@b", "c@d")).get(10, TimeUnit.SECONDS);
        try (InputStream in = store.content(m.queueId())) {
            byte[] back = in.readAllBytes();
            assertThat(back).hasSize(content.length + 2);
            assertThat(java.util.Arrays.copyOf(back, content.length)).isEqualTo(content);
        }
    }

    @Test
    void messageShouldNotBeVisibleBeforeCommit() throws Exception {
        FileQueueStore store = open();
        IncomingMessage m = store.receive();
        m.content().write("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(store.find(m.queueId())).isEmpty();
        assertThat(store.list(QueueName.INCOMING)).isEmpty();
        m.commit(envelope("a@b", "c@d")).get(10, TimeUnit.SECONDS);
        assertThat(store.find(m.queueId())).isPresent();
    }

    @Test
    void closeWithoutCommitShouldLeaveNothing() throws Exception {
        FileQueueStore store = open();
        IncomingMessage m = store.receive();
        m.content().write(selfCheckingMessage(2, 100_000));
        m.close();
        assertThat(filesIn(QueueName.INCOMING)).isEmpty();
        assertThat(m.commit(envelope("a@b", "c@d"))).isCompletedExceptionally();
    }

    @Test
    void closeAfterCommitShouldKeepTheMessage() throws Exception {
        FileQueueStore store = open();
        IncomingMessage m = store.receive();
        m.content().write("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<Void> f = m.commit(envelope("a@b", "c@d"));
        m.close();
        f.get(10, TimeUnit.SECONDS);
        assertThat(store.find(m.queueId())).isPresent();
    }

    @Test
    void commitShouldFailAndRemoveFileWhenEnvelopeHasCrLf() throws Exception {
        FileQueueStore store = open();
        IncomingMessage m = store.receive();
        m.content().write("Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<Void> f = m.commit(envelope("a@b\r\nX-Injected: yes", "c@d"));
        assertThatThrownBy(f::join).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(filesIn(QueueName.INCOMING)).isEmpty();
    }

    @Test
    void commitShouldFailWithoutRecipients() throws Exception {
        FileQueueStore store = open();
        IncomingMessage m = store.receive();
        assertThat(m.commit(envelope("a@b"))).isCompletedExceptionally();
        assertThat(filesIn(QueueName.INCOMING)).isEmpty();
    }

    @Test
    void listShouldReturnOldestFirstAndFindShouldLocateAnyQueue() throws Exception {
        FileQueueStore store = open();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TestMessages.Submitted s = submit(store, selfCheckingMessage(i, 500), envelope("s" + i + "@x", "r@y"));
            s.committed().get(10, TimeUnit.SECONDS);
            ids.add(s.queueId());
        }
        assertThat(store.list(QueueName.INCOMING)).extracting(QueuedMessage::queueId).containsExactlyElementsOf(ids);

        assertThat(store.move(ids.get(1), QueueName.DEFERRED)).isTrue();
        assertThat(store.move(ids.get(3), QueueName.HOLD)).isTrue();
        assertThat(store.list(QueueName.INCOMING)).extracting(QueuedMessage::queueId)
                .containsExactly(ids.get(0), ids.get(2), ids.get(4));
        assertThat(store.find(ids.get(1)).orElseThrow().queue()).isEqualTo(QueueName.DEFERRED);
        assertThat(store.find(ids.get(3)).orElseThrow().queue()).isEqualTo(QueueName.HOLD);
        assertThat(store.find(ids.get(3)).orElseThrow().envelope().sender()).isEqualTo("s3@x");

        assertThat(store.remove(ids.get(0))).isTrue();
        assertThat(store.find(ids.get(0))).isEmpty();
        assertThat(store.remove(ids.get(0))).isFalse();
    }

    @Test
    void findAndContentShouldRefuseIdsThatAreNotQueueIds() throws Exception {
        FileQueueStore store = open();
        Files.writeString(dir.resolve("secret"), "x");
        assertThat(store.find("../secret")).isEmpty();
        assertThatThrownBy(() -> store.content("../secret")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void receiversOnManyThreadsShouldGetUniqueOrderedIdsAndAllCommit() throws Exception {
        FileQueueStore store = open();
        int threads = 8;
        int each = 40;
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            done.add(pool.submit(() -> {
                String previous = "";
                for (int i = 0; i < each; i++) {
                    TestMessages.Submitted s = submit(store, selfCheckingMessage(tt * 1000L + i, 300), envelope("a@b", "c@d"));
                    s.committed().join();
                    assertThat(s.queueId()).isGreaterThan(previous);
                    previous = s.queueId();
                    ids.add(s.queueId());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(ids).hasSize(threads * each);
        assertThat(store.list(QueueName.INCOMING)).hasSize(threads * each);
    }

    @Test
    void concurrentCommitsShouldShareDirectorySyncs() throws Exception {
        CountingSyncer syncer = new CountingSyncer(QueueDisk.REAL, 20);
        FileQueueStore store = open(FileQueueStore.Options.defaults().withDisk(syncer));
        syncer.directorySyncs.set(0); // the queue directories made at open
        int n = 50;
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<TestMessages.Submitted>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long seed = i;
            futures.add(pool.submit(() -> {
                IncomingMessage m = store.receive();
                m.content().write(selfCheckingMessage(seed, 4096));
                ready.countDown();
                go.await();
                return new TestMessages.Submitted(m.queueId(), m.commit(envelope("a@b", "c@d")));
            }));
        }
        ready.await(30, TimeUnit.SECONDS);
        go.countDown();
        for (Future<TestMessages.Submitted> f : futures) {
            f.get(30, TimeUnit.SECONDS).committed().get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        FileQueueStore.CommitStats stats = store.commitStats();
        assertThat(stats.commits()).isEqualTo(n);
        assertThat(syncer.fileForces.get()).isEqualTo(n);
        assertThat(syncer.directorySyncs.get()).isEqualTo((int) stats.directorySyncs()).isLessThanOrEqualTo(10);
        assertThat(stats.largestBatch()).isGreaterThan(1);
    }

    @Test
    void aMessageShouldBeInvisibleUntilItsCommitIsDurable() throws Exception {
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        QueueDisk slowDisk = new ForwardingQueueDisk(QueueDisk.REAL) {
            @Override
            public void force(FileChannel channel, Path file) throws IOException {
                forcing.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.force(channel, file);
            }
        };
        FileQueueStore store = open(FileQueueStore.Options.defaults().withDisk(slowDisk));
        TestMessages.Submitted s = submit(store, selfCheckingMessage(1, 2000), envelope("a@b", "c@d"));
        assertThat(forcing.await(30, TimeUnit.SECONDS)).isTrue();
        // Renamed to its queue ID already, but not durable: a rescan (postsuper) must not see it.
        assertThat(filesIn(QueueName.INCOMING)).containsExactly(s.queueId());
        assertThat(store.list(QueueName.INCOMING)).isEmpty();
        assertThat(store.dueTimes(QueueName.INCOMING)).isEmpty();
        assertThat(store.find(s.queueId())).isEmpty();
        assertThat(store.read(s.queueId())).isEmpty();
        release.countDown();
        s.committed().get(30, TimeUnit.SECONDS);
        assertThat(store.dueTimes(QueueName.INCOMING)).containsOnlyKeys(s.queueId());
        assertThat(store.find(s.queueId())).isPresent();
    }

    @Test
    void forceFailureShouldFailThatCommitOnlyAndRemoveItsFile() throws Exception {
        CountingSyncer syncer = new CountingSyncer(QueueDisk.REAL, 0);
        FileQueueStore store = open(FileQueueStore.Options.defaults().withDisk(syncer));
        syncer.failForcesOf = "poison";
        TestMessages.Submitted bad = submit(store, "Subject: poison\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                envelope("a@b", "c@d"));
        TestMessages.Submitted good = submit(store, "Subject: fine\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                envelope("a@b", "c@d"));
        assertThatThrownBy(() -> bad.committed().join()).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("No space left on device");
        good.committed().get(10, TimeUnit.SECONDS);
        assertThat(filesIn(QueueName.INCOMING)).containsExactly(good.queueId());
    }

    @Test
    void directorySyncFailureShouldFailTheBatchAndRemoveItsFiles() throws Exception {
        CountingSyncer syncer = new CountingSyncer(QueueDisk.REAL, 0);
        FileQueueStore store = open(FileQueueStore.Options.defaults().withDisk(syncer));
        syncer.failDirectorySyncs = true;
        TestMessages.Submitted s = submit(store, "Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                envelope("a@b", "c@d"));
        assertThat(s.committed()).failsWithin(10, TimeUnit.SECONDS);
        assertThat(filesIn(QueueName.INCOMING)).isEmpty();
        syncer.failDirectorySyncs = false;
        TestMessages.Submitted next = submit(store, "Subject: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                envelope("a@b", "c@d"));
        next.committed().get(10, TimeUnit.SECONDS);
        assertThat(filesIn(QueueName.INCOMING)).containsExactly(next.queueId());
    }

    @Test
    void closeShouldCommitPendingMessagesThenRefuseNewOnes() throws Exception {
        CountingSyncer syncer = new CountingSyncer(QueueDisk.REAL, 50);
        FileQueueStore store = open(FileQueueStore.Options.defaults().withDisk(syncer));
        List<TestMessages.Submitted> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pending.add(submit(store, selfCheckingMessage(i, 1000), envelope("a@b", "c@d")));
        }
        IncomingMessage late = store.receive();
        store.close();
        for (TestMessages.Submitted s : pending) {
            assertThat(s.committed()).isCompleted().isNotCompletedExceptionally();
        }
        assertThat(late.commit(envelope("a@b", "c@d"))).isCompletedExceptionally();
        assertThatThrownBy(store::receive).isInstanceOf(IOException.class);
        assertThat(filesIn(QueueName.INCOMING)).hasSize(10);
    }

    @Test
    void recoveryShouldRemovePartialFilesAndMoveCorruptOnesAside() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted good = submit(store, selfCheckingMessage(1, 4000), envelope("a@b", "c@d"));
        good.committed().get(10, TimeUnit.SECONDS);
        // A receiver that was killed mid-message: its .part file stays behind.
        IncomingMessage half = store.receive();
        half.content().write(selfCheckingMessage(2, 100_000));
        store.close();
        assertThat(filesIn(QueueName.INCOMING)).contains(half.queueId() + ".part");
        // A committed file damaged afterwards (truncated in its envelope records).
        Path goodFile = dir.resolve("incoming").resolve(good.queueId());
        String damagedId = QueueIds.encode(QueueIds.timeOf(good.queueId()).getEpochSecond() * 1_000_000L + 7);
        byte[] bytes = Files.readAllBytes(goodFile);
        Files.write(dir.resolve("deferred").resolve(damagedId), java.util.Arrays.copyOf(bytes, bytes.length - 10));
        // A file that never got its header (all zeros), with a queue ID name.
        String zeroId = QueueIds.encode(QueueIds.timeOf(good.queueId()).getEpochSecond() * 1_000_000L + 9);
        Files.write(dir.resolve("active").resolve(zeroId), new byte[4096]);

        FileQueueStore again = open();
        assertThat(again.recovery()).isEqualTo(new FileQueueStore.Recovery(1, 2, 0, 1));
        assertThat(filesIn(QueueName.INCOMING)).containsExactly(good.queueId());
        assertThat(filesIn(QueueName.CORRUPT)).containsExactlyInAnyOrder(damagedId, zeroId);
        assertThat(filesIn(QueueName.DEFERRED)).isEmpty();
        assertThat(again.find(good.queueId())).isPresent();
    }

    // A power loss can leave a name durable before its content (another session's directory
    // sync): header and records intact, content torn. Such a file was never acknowledged.
    @Test
    void recoveryShouldMoveAFileWhoseContentFailsItsChecksumToCorrupt() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(4, 4000), envelope("a@b", "c@d"));
        s.committed().get(10, TimeUnit.SECONDS);
        store.close();
        Path file = dir.resolve("incoming").resolve(s.queueId());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[512]), QueueFile.HEADER_LENGTH + 1000);   // zeros where the body was
        }

        FileQueueStore again = open();
        assertThat(again.recovery()).isEqualTo(new FileQueueStore.Recovery(0, 1, 0, 0));
        assertThat(filesIn(QueueName.CORRUPT)).containsExactly(s.queueId());
        assertThat(again.find(s.queueId()).map(QueuedMessage::queue)).contains(QueueName.CORRUPT);   // postcat can still show it
    }

    @Test
    void appendedRecordsShouldBeReadAndATornLastOneTruncatedAtRecovery() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(3, 2000), envelope("a@b", "c@d", "e@f"));
        s.committed().get(10, TimeUnit.SECONDS);
        store.close();
        Path file = dir.resolve("incoming").resolve(s.queueId());
        long committedLength = Files.size(file);
        byte[] done = QueueFile.encodeRecord((byte) 'D',
                ByteBuffer.allocate(4 + 8).putInt(1).put("sent 250".getBytes(StandardCharsets.US_ASCII)).array());
        byte[] torn = java.util.Arrays.copyOf(QueueFile.encodeRecord((byte) 'D', new byte[40]), 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(done));
            ch.write(ByteBuffer.wrap(torn));
        }
        QueueFile.Parsed before = QueueFile.read(file);
        assertThat(before.tornTail()).isTrue();
        assertThat(before.appended()).hasSize(1);
        assertThat(before.appended().get(0).type()).isEqualTo((byte) 'D');

        FileQueueStore again = open();
        assertThat(again.recovery().tailsTruncated()).isEqualTo(1);
        assertThat(Files.size(file)).isEqualTo(committedLength + done.length);
        assertThat(again.appendedRecords(s.queueId())).hasSize(1);
        assertThat(again.find(s.queueId()).orElseThrow().envelope().recipients()).hasSize(2);
    }

    @Test
    void flippedContentByteShouldBeDetectedByContentChecksum() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, selfCheckingMessage(4, 2000), envelope("a@b", "c@d"));
        s.committed().get(10, TimeUnit.SECONDS);
        Path file = dir.resolve("incoming").resolve(s.queueId());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'#'}), QueueFile.HEADER_LENGTH + 100);
        }
        assertThat(QueueFile.contentIntact(file, QueueFile.read(file))).isFalse();
    }

    @Test
    void fileShouldStartWithMagicAndVersion() throws Exception {
        FileQueueStore store = open();
        TestMessages.Submitted s = submit(store, "Subject: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII), envelope("a@b", "c@d"));
        s.committed().get(10, TimeUnit.SECONDS);
        byte[] b = Files.readAllBytes(dir.resolve("incoming").resolve(s.queueId()));
        assertThat(new String(b, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("PSTQ");
        assertThat(ByteBuffer.wrap(b, 4, 4).getShort()).isEqualTo((short) 1);
        assertThat(ByteBuffer.wrap(b, 4, 4).getShort(6)).isEqualTo((short) 32);
        assertThat(new String(b, 32, 14, StandardCharsets.US_ASCII)).isEqualTo("Subject: x\r\n\r\n");
    }

    /** Counts (and optionally delays or fails) the syncs the store asks for. */
    static final class CountingSyncer extends ForwardingQueueDisk {
        final long directoryDelayMillis;
        final AtomicInteger fileForces = new AtomicInteger();
        final AtomicInteger directorySyncs = new AtomicInteger();
        volatile String failForcesOf;
        volatile boolean failDirectorySyncs;

        CountingSyncer(QueueDisk real, long directoryDelayMillis) {
            super(real);
            this.directoryDelayMillis = directoryDelayMillis;
        }

        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            if (failForcesOf != null && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(failForcesOf)) {
                throw new IOException("No space left on device");
            }
            next.force(channel, file);
            fileForces.incrementAndGet();
        }

        @Override
        public void syncDirectory(Path directory) throws IOException {
            if (failDirectorySyncs) {
                throw new IOException("Input/output error");
            }
            try {
                Thread.sleep(directoryDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            next.syncDirectory(directory);
            directorySyncs.incrementAndGet();
        }
    }
}
