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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SUMMARY   Exclusive access to one mailbox file: in this JVM, against other processes, and
 *           against mail readers (dotlock).
 * DESCRIPTION
 *   A kernel lock (fcntl) belongs to the process, so threads of one JVM would not exclude
 *   each other with it; deliveries in this JVM first take one of a fixed set of in-memory
 *   locks chosen by the file name. Then, as {@link LockSettings} asks: the dotlock
 *   "name.lock", created atomically (a lock older than stale_lock_time is removed; in a
 *   directory where it may not be created, delivery goes on without it, as Postfix does for
 *   mailboxes in home directories), and the fcntl lock on the open file. Each is tried
 *   deliver_lock_attempts times, deliver_lock_delay apart; then the delivery is deferred.
 *   One instance per delivery agent component; no global state.
 * SECURITY  The dotlock is created with O_EXCL semantics and never follows a symbolic link.
 */
public final class MailboxLocks {

    private static final int STRIPES = 64;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public MailboxLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** What {@link #lock} took; {@link #close()} releases it in reverse order. */
    public final class Held implements AutoCloseable {
        private final ReentrantLock inProcess;
        private Path dotlock;
        private FileLock kernel;

        private Held(ReentrantLock inProcess) {
            this.inProcess = inProcess;
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
                    inProcess.unlock();
                }
            }
        }
    }

    /** Takes the in-process lock and the dotlock for {@code file}, before the file is opened. */
    public Held lock(Path file, LockSettings settings) throws MailboxException {
        ReentrantLock stripe = stripes[Math.floorMod(file.toAbsolutePath().normalize().hashCode(), STRIPES)];
        long waitMillis = Math.max(1000, settings.delay().toMillis() * settings.attempts());
        try {
            if (!stripe.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
                throw MailboxException.lockTimeout();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MailboxException.lockTimeout();
        }
        Held held = new Held(stripe);
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
