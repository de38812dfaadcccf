// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Group commit: many queue files made durable with one directory sync.
 * DESCRIPTION
 *   Receivers hand a written (not yet forced) file to {@link #submit}; it returns at once
 *   with a future, so Netty event loops never block in fsync. One of {@code syncThreads}
 *   sync threads then, for that file:
 *   <ol>
 *   <li>renames it from its temporary name to its queue ID (atomic rename in the same
 *       directory, or into the hold directory) and takes a ticket at the directory's sync
 *       barrier;</li>
 *   <li>forces its content (FileChannel.force(false), i.e. fdatasync, which also writes the
 *       size and block map needed to read the data back). Forces of concurrent commits run
 *       concurrently, so the file system joins them into shared journal commits (ext4's jbd2
 *       does); forcing them one after another on one thread measured two to three times
 *       slower under load;</li>
 *   <li>passes the barrier: done if a directory sync that started after its rename has
 *       finished; otherwise it waits for a running one that covers its ticket, or leads the
 *       next sync (FileChannel.open(dir, READ).force) for every rename done so far. While
 *       one thread forces its file, another thread's directory sync often covers its rename
 *       already, so a message waits for about one journal commit instead of two in a row
 *       (force, then rename, then directory sync measured 1,000 to 1,800 msgs/s with 20
 *       sessions, bench/accept-rate.sh). One directory sync covers every rename made while
 *       the previous one ran: a batch, sized by the load, with no timer;</li>
 *   <li>completes the future.</li>
 *   </ol>
 *   Renaming before the force means that after a crash a file may carry its queue ID with
 *   content that never reached the disk: the client never got its 250, and the queue's
 *   recovery checks every file (checksums, commit record) and moves a torn one to corrupt/,
 *   so it is never delivered.
 *   An earlier version handed forced files to a single committer thread for the renames and
 *   the directory sync; the extra hand-off cost 20 to 30 per cent against plain per-thread
 *   fsyncs on this class of machine, the barrier does not.
 *   A failure while forcing or renaming fails that commit only; a failed directory sync
 *   fails every commit it was to cover. Failed files are removed.
 *   Futures complete on a sync thread: callers should not do slow work in dependent stages
 *   (use the *Async variants with their own executor).
 * BUGS      A commit submitted after {@link #close} fails at once with an IOException.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("postern.cleanup");

    /** One file to commit: forced, then renamed from {@code temporary} to {@code target}. */
    static final class Job {
        final FileChannel channel;
        final Path temporary;
        final Path target;
        final CompletableFuture<Void> future = new CompletableFuture<>();

        Job(FileChannel channel, Path temporary, Path target) {
            this.channel = channel;
            this.temporary = temporary;
            this.target = target;
        }
    }

    /** Counters since start; {@code batches} is the number of directory syncs that covered commits. */
    record Stats(long commits, long failures, long batches, long fileForces, long directorySyncs, int largestBatch) {
    }

    private final QueueDisk disk;
    private final ExecutorService syncPool;
    private final Map<Path, DirectoryBarrier> barriers = new ConcurrentHashMap<>();
    private final Object submitLock = new Object();
    private boolean closed;

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong fileForces = new AtomicLong();
    private final AtomicLong directorySyncs = new AtomicLong();
    private final AtomicInteger largestBatch = new AtomicInteger();

    GroupCommitter(String name, QueueDisk disk, int syncThreads) {
        this.disk = disk;
        AtomicInteger n = new AtomicInteger();
        this.syncPool = Executors.newFixedThreadPool(Math.max(1, syncThreads), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts making a written file durable; the future completes when it is, under its final name. */
    CompletableFuture<Void> submit(Job job) {
        synchronized (submitLock) {
            if (closed) {
                fail(job, new IOException("queue is shutting down"));
                return job.future;
            }
            try {
                syncPool.execute(() -> commit(job));
            } catch (RejectedExecutionException e) {
                fail(job, new IOException("queue is shutting down", e));
            }
        }
        return job.future;
    }

    Stats stats() {
        return new Stats(commits.get(), failures.get(), directorySyncs.get(), fileForces.get(), directorySyncs.get(),
                largestBatch.get());
    }

    /** Finishes the commits already submitted, then stops the sync threads. */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (closed) {
                return;
            }
            closed = true;
            syncPool.shutdown();
        }
        try {
            if (!syncPool.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("warning: queue file syncs still running 60s after shutdown began");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void commit(Job job) {
        try {
            disk.rename(job.temporary, job.target);
            DirectoryBarrier barrier = barrier(job.target.getParent());
            long ticket = barrier.ticket();
            disk.force(job.channel, job.target);
            fileForces.incrementAndGet();
            job.channel.close();
            barrier.await(ticket);
        } catch (IOException | RuntimeException e) {
            fail(job, e instanceof IOException ? (IOException) e : new IOException(e));
            return;
        }
        commits.incrementAndGet();
        job.future.complete(null);
    }

    /**
     * Leader/follower group sync of one directory. Each caller takes a ticket after its
     * rename; a sync round covers every ticket issued before it started.
     */
    private final class DirectoryBarrier {
        private final Path directory;
        private long issued;
        private long synced; // every ticket up to here is covered by a finished sync
        private Round running;

        DirectoryBarrier(Path directory) {
            this.directory = directory;
        }

        private final class Round {
            final long covers;
            int members;
            boolean done;
            IOException error;

            Round(long covers) {
                this.covers = covers;
            }
        }

        synchronized long ticket() {
            return ++issued;
        }

        /** Returns once a directory sync that started after {@code ticket} was issued has succeeded. */
        void await(long ticket) throws IOException {
            Round round;
            synchronized (this) {
                while (true) {
                    if (synced >= ticket) {
                        return; // covered by a sync that finished while this file was forced
                    }
                    if (running != null && running.covers >= ticket) {
                        round = running; // a sync that started after my rename: ride along
                        round.members++;
                        while (!round.done) {
                            waitUninterruptibly();
                        }
                        if (round.error != null) {
                            throw new IOException(round.error.getMessage(), round.error);
                        }
                        return;
                    }
                    if (running == null) {
                        round = new Round(issued); // lead a sync for everyone renamed so far
                        round.members = 1;
                        running = round;
                        break;
                    }
                    waitUninterruptibly(); // the running sync may predate my rename
                }
            }
            IOException error = null;
            try {
                disk.syncDirectory(directory);
                directorySyncs.incrementAndGet();
            } catch (IOException e) {
                error = e;
            }
            synchronized (this) {
                round.done = true;
                round.error = error;
                if (error == null) {
                    synced = Math.max(synced, round.covers);
                }
                running = null;
                largestBatch.accumulateAndGet(round.members, Math::max);
                notifyAll();
            }
            if (error != null) {
                throw error;
            }
        }

        /** Sync threads are never interrupted (close() lets them finish); an interrupt is ignored. */
        private void waitUninterruptibly() {
            try {
                wait();
            } catch (InterruptedException e) {
                // keep waiting: the commit must finish one way or the other
            }
        }
    }

    /**
     * Makes every change made so far in {@code directory} durable (a move, a removal); calls
     * from several threads at once share one sync, as commits do.
     */
    void syncDirectory(Path directory) throws IOException {
        DirectoryBarrier barrier = barrier(directory);
        barrier.await(barrier.ticket());
    }

    private DirectoryBarrier barrier(Path directory) {
        return barriers.computeIfAbsent(directory, DirectoryBarrier::new);
    }

    /**
     * Fails the commit and removes its file, whichever name it has by now. The removal is
     * synced (best effort: the disk is failing), so that a message whose client is told 451
     * and sends it again does not also come back from the queue after a crash.
     */
    private void fail(Job job, IOException cause) {
        failures.incrementAndGet();
        try {
            if (job.channel != null) {
                job.channel.close();
            }
        } catch (IOException ignored) {
            // closing is best effort; the file goes anyway
        }
        deleteQuietly(job.temporary);
        if (deleteQuietly(job.target)) {
            try {
                disk.syncDirectory(job.target.getParent());
            } catch (IOException e) {
                LOG.warn("warning: cannot sync {} after removing a failed queue file: {}", job.target.getParent(),
                        e.getMessage());
            }
        }
        job.future.completeExceptionally(cause);
    }

    private boolean deleteQuietly(Path p) {
        try {
            return p != null && disk.delete(p);
        } catch (IOException e) {
            LOG.warn("warning: cannot remove {}: {}", p, e.getMessage());
            return false;
        }
    }
}
