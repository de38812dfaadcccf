// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SUMMARY   Exclusive access to one mailbox file: in this JVM, against other processes, and
 *           against mail readers (dotlock).
 * DESCRIPTION
 *   A kernel lock (fcntl) belongs to the process, so threads of one JVM would not exclude
 *   each other with it; deliveries in this JVM first take an in-memory lock of that file (one
 *   per file, kept while someone holds or waits for it: a delivery waiting for one mailbox
 *   never waits for another). Then, as {@link LockSettings} asks: the dotlock
 *   "name.lock", created atomically (a lock older than stale_lock_time is removed; in a
 *   directory where it may not be created, delivery goes on without it, as Postfix does for
 *   mailboxes in home directories), and the fcntl lock on the open file. Each is tried
 *   deliver_lock_attempts times, deliver_lock_delay apart; then the delivery is deferred.
 *   One instance per delivery agent component; no global state.
 * SECURITY  The dotlock is created with O_EXCL semantics and never follows a symbolic link.
 */
public final class MailboxLocks {

    /** The in-process lock of each mailbox that someone holds or waits for. */
    private final Map<Path, FileEntry> inProcess = new ConcurrentHashMap<>();

    /** One file's in-process lock and how many deliveries hold or wait for it (guarded by the map). */
    private static final class FileEntry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** What {@link #lock} took; {@link #close()} releases it in reverse order. */
    public final class Held implements AutoCloseable {
        private final Path key;
        private final FileEntry entry;
        private Path dotlock;
        private FileLock kernel;

        private Held(Path key, FileEntry entry) {
            this.key = key;
            this.entry = entry;
        }

        @Override
        public void close() {
            try {
                if (kernel != null && kernel.isValid()) {
                    kernel.release();
                }
            } catch (IOException ignored) {
                // closing the channel releases it too
            } finally {
                try {
                    if (dotlock != null) {
                        Files.deleteIfExists(dotlock);
                    }
                } catch (IOException ignored) {
                    // a stale dotlock is removed after stale_lock_time
                } finally {
                    entry.lock.unlock();
                    release(key);
                }
            }
        }
    }

    /** Takes the in-process lock and the dotlock for {@code file}, before the file is opened. */
    public Held lock(Path file, LockSettings settings) throws MailboxException {
        Path key = file.toAbsolutePath().normalize();
        FileEntry entry = inProcess.compute(key, (k, e) -> {
            FileEntry use = e == null ? new FileEntry() : e;
            use.users++;
            return use;
        });
        long waitMillis = Math.max(1000, settings.delay().toMillis() * settings.attempts());
        boolean locked = false;
        try {
            locked = entry.lock.tryLock(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!locked) {
                release(key);
            }
        }
        if (!locked) {
            throw MailboxException.lockTimeout();
        }
        Held held = new Held(key, entry);
        try {
            if (settings.methods().contains(LockSettings.Method.DOTLOCK)) {
                held.dotlock = dotlock(file, settings);
            }
            return held;
        } catch (MailboxException | RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /** One user fewer for {@code key}'s in-process lock; the last one removes it. */
    private void release(Path key) {
        inProcess.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
    }

    /** How many files have an in-process lock now (held or waited for). */
    int lockedFiles() {
        return inProcess.size();
    }

    /** Takes the kernel lock on the open file, if the settings ask for it. */
    public void lockChannel(Held held, FileChannel channel, LockSettings settings) throws MailboxException {
        if (!settings.methods().contains(LockSettings.Method.FCNTL)) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    held.kernel = lock;
                    return;
                }
            } catch (OverlappingFileLockException e) {
                // another component of this JVM holds it: busy, like another process
            } catch (IOException e) {
                throw MailboxException.ioFailure("cannot lock mailbox", e);
            }
            if (attempt >= settings.attempts()) {
                throw MailboxException.lockTimeout();
            }
            pause(settings);
        }
    }

    private static Path dotlock(Path file, LockSettings settings) throws MailboxException {
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createFile(lock);
                return lock;
            } catch (FileAlreadyExistsException e) {
                removeIfStale(lock, settings);
            } catch (AccessDeniedException e) {
                return null;
            } catch (IOException e) {
                throw MailboxException.ioFailure("cannot create lock file", e);
            }
            if (attempt >= settings.attempts()) {
                throw MailboxException.lockTimeout();
            }
            pause(settings);
        }
    }

    private static void removeIfStale(Path lock, LockSettings settings) {
        try {
            FileTime modified = Files.getLastModifiedTime(lock, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (modified.toInstant().plus(settings.staleAfter()).isBefore(Instant.now())) {
                Files.deleteIfExists(lock);
            }
        } catch (IOException ignored) {
            // gone meanwhile, or not ours to remove: try again
        }
    }

    private static void pause(LockSettings settings) throws MailboxException {
        try {
            Thread.sleep(settings.delay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MailboxException.lockTimeout();
        }
    }
}
