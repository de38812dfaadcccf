// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.core.queue.TestMessages.envelope;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throughput figure for the closing notes, not a benchmark and never an assertion on time:
 * N threads receive and commit 4 KB messages for a second. With -Dpostern.queue.bench=true it
 * also runs 1/4/20 threads, parallel forcing, and the one-fsync-per-message baseline.
 */
class QueueThroughputTest {

    @TempDir
    Path dir;

    private static final byte[] MESSAGE = TestMessages.selfCheckingMessage(42, 4096 - 200);

    @Test
    void groupCommitThroughputFigure() throws Exception {
        boolean full = Boolean.getBoolean("postern.queue.bench");
        if (!full) {
            System.out.println(measure(20, 16, 1000));
            return;
        }
        // The disk's latency drifts over seconds: interleave the configurations, several rounds.
        for (int round = 1; round <= 3; round++) {
            for (int t : new int[] {1, 4, 20, 50}) {
                for (int ft : new int[] {1, 16}) {
                    System.out.println("round " + round + ": " + measure(t, ft, 700));
                }
                System.out.printf("round %d: baseline, fsync file + directory per message, %d threads: %d msgs/s%n",
                        round, t, naive(t, 700));
            }
        }
        System.out.printf("create+write+close+delete without sync, 1 thread: %.1f us/file%n", createCost(2000));
    }

    private int configs;

    private String measure(int threads, int forceThreads, long millis) throws Exception {
        Path d = Files.createDirectory(dir.resolve("q" + configs++));
        try (FileQueueStore store = FileQueueStore.open(d, FileQueueStore.Options.defaults().withSyncThreads(forceThreads))) {
            long n = run(store, threads, millis);
            FileQueueStore.CommitStats s = store.commitStats();
            assertThat(s.failures()).isZero();
            return String.format("queue throughput: %d threads, syncThreads=%d, 4 KB: %d msgs/s "
                            + "(%d commits in %d batches, %d directory syncs, largest batch %d)",
                    threads, forceThreads, n, s.commits(), s.batches(), s.directorySyncs(), s.largestBatch());
        }
    }

    /** Commits from {@code threads} threads for {@code millis}; returns messages per second. */
    private static long run(FileQueueStore store, int threads, long millis) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + millis * 1_000_000L;
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        IncomingMessage m = store.receive();
                        try (OutputStream out = m.content()) {
                            out.write(MESSAGE);
                        }
                        m.commit(envelope("a@example.org", "x@example.com")).join();
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return Math.round(done.get() / seconds);
    }

    /** Postfix-like durability without grouping: each message forces its file and the directory. */
    private long naive(int threads, long millis) throws Exception {
        Path d = Files.createDirectory(dir.resolve("naive" + configs++));
        AtomicLong seq = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + millis * 1_000_000L;
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        Path tmp = d.resolve(seq.incrementAndGet() + ".part");
                        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                            ch.write(ByteBuffer.wrap(MESSAGE));
                            ch.force(false);
                        }
                        Files.move(tmp, d.resolve(tmp.getFileName() + ".done"));
                        QueueDisk.REAL.syncDirectory(d);
                        done.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        return Math.round(done.get() / ((System.nanoTime() - start) / 1e9));
    }

    private double createCost(int files) throws IOException {
        Path d = Files.createDirectory(dir.resolve("create"));
        long start = System.nanoTime();
        for (int i = 0; i < files; i++) {
            Path p = d.resolve("f" + i);
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(MESSAGE));
            }
            Files.delete(p);
        }
        return (System.nanoTime() - start) / 1e3 / files;
    }
}
