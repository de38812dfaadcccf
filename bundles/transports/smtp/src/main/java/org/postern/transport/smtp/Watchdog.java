// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * SUMMARY   Deadlines for blocking socket I/O: closes the connection when one passes.
 * DESCRIPTION
 *   One daemon thread per agent. Closing the socket (or UNIX-domain channel) from here makes
 *   the blocked read, write, connect or TLS handshake fail at once; the caller then asks the
 *   {@link Deadline} whether it expired and reports "timed out" instead of "lost connection".
 *   The same mechanism covers reads and writes, TCP and UNIX-domain sockets, plain and TLS.
 *   Idle cached connections are expired through {@link #schedule}.
 */
final class Watchdog implements AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    Watchdog(String name) {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postern-" + name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    Deadline deadline(Closeable target) {
        return new Deadline(target);
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return timer.schedule(task, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** The deadline of one connection: armed before each blocking step, disarmed after. */
    final class Deadline {
        private final Closeable target;
        private ScheduledFuture<?> pending;
        private volatile boolean expired;

        private Deadline(Closeable target) {
            this.target = target;
        }

        /** Closes the target {@code timeout} from now unless re-armed or disarmed; zero means no limit. */
        synchronized void arm(Duration timeout) {
            disarm();
            if (!timeout.isZero() && !timeout.isNegative()) {
                pending = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        synchronized void disarm() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        boolean expired() {
            return expired;
        }

        private void expire() {
            expired = true;
            try {
                target.close();
            } catch (IOException | RuntimeException e) {
                // closing is all we can do
            }
        }
    }
}
