// SPDX-License-Identifier: Apache-2.0
package org.postern.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postern.api.message.ClientFacts;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.QueueDisk;
import org.postern.core.queue.IncomingMessage;

/**
 * SUMMARY   Messages per second the durable queue commits: receive, write 4 KB, commit
 *           (file and directory forced before the commit completes).
 * DESCRIPTION
 *   groupCommit: FileQueueStore's group commit, with syncThreads forcing threads (the
 *   parameter; 1 and 16). Baseline.fsyncPerMessage: the baseline without grouping, each message
 *   forcing its own file and directory (what Postfix's cleanup does per message). Run the
 *   threads with JMH's -t (queue-commits.sh: 20, as many as smtpd sessions commit at once);
 *   the disk's latency drifts over seconds, so compare figures from the same run.
 *   Any failure fails the run: an exception from a commit ends the benchmark (JMH reports it
 *   and, with -foe true as the script passes, exits non-zero), and a store that counted a
 *   failed commit throws at the end of the iteration.
 *   Replaces core's QueueThroughputTest, which printed these figures from the unit tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueCommitBenchmark {

    private static final byte[] MESSAGE = message(4096 - 200);
    private static final Envelope ENVELOPE = Envelope.builder("a@example.org",
                    List.of(new EnvelopeRecipient("x@example.com", "", Set.of())), Instant.parse("2024-05-01T12:00:00Z"))
            .client(new ClientFacts("client.example", "", "192.0.2.1", -1, "", "ESMTP")).build();

    @Param({"1", "16"})
    public int syncThreads;

    private Path root;
    private Path dir;
    private FileQueueStore store;

    @Setup(Level.Trial)
    public void createRoot() throws IOException {
        root = Files.createTempDirectory("postern-queue-bench");
    }

    /** A fresh queue per iteration, so that a long run does not measure a directory of 100,000 files. */
    @Setup(Level.Iteration)
    public void openQueue() throws IOException {
        dir = Files.createTempDirectory(root, "q");
        store = FileQueueStore.open(dir, FileQueueStore.Options.defaults().withSyncThreads(syncThreads));
    }

    @TearDown(Level.Iteration)
    public void closeQueue() throws IOException {
        FileQueueStore.CommitStats stats = store.commitStats();
        store.close();
        delete(dir);
        System.out.printf("%n  %d commits in %d batches, %d directory syncs, largest batch %d%n", stats.commits(),
                stats.batches(), stats.directorySyncs(), stats.largestBatch());
        if (stats.failures() > 0) {
            throw new IllegalStateException(stats.failures() + " commits failed: the figure is not valid");
        }
    }

    @TearDown(Level.Trial)
    public void deleteRoot() throws IOException {
        delete(root);
    }

    @Benchmark
    public void groupCommit() throws Exception {
        try (IncomingMessage m = store.receive()) {
            try (OutputStream out = m.content()) {
                out.write(MESSAGE);
            }
            m.commit(ENVELOPE).get();
        }
    }

    /** The baseline, in a state of its own so that it runs once, not once per syncThreads. */
    @State(Scope.Benchmark)
    public static class Baseline {
        private Path dir;
        private final AtomicLong sequence = new AtomicLong();

        @Setup(Level.Iteration)
        public void createDirectory() throws IOException {
            dir = Files.createTempDirectory("postern-fsync-bench");
        }

        @TearDown(Level.Iteration)
        public void deleteDirectory() throws IOException {
            delete(dir);
        }

        /** Postfix-like durability without grouping: each message forces its file and the directory. */
        @Benchmark
        public void fsyncPerMessage() throws IOException {
            Path tmp = dir.resolve(sequence.incrementAndGet() + ".part");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(MESSAGE));
                ch.force(false);
            }
            Files.move(tmp, dir.resolve(tmp.getFileName() + ".done"));
            QueueDisk.REAL.syncDirectory(dir);
        }
    }

    private static byte[] message(int bodySize) {
        StringBuilder text = new StringBuilder("From: <a@example.org>\r\nTo: <x@example.com>\r\nSubject: bench\r\n\r\n");
        for (int i = 0; i < bodySize; i++) {
            text.append((char) ('a' + i % 26));
            if (i % 76 == 75) {
                text.append("\r\n");
            }
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void delete(Path tree) throws IOException {
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
