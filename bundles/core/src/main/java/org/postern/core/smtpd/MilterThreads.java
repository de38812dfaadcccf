// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * SUMMARY   The threads smtpd's milter calls block on, apart from the restrictions' executor.
 * DESCRIPTION
 *   A milter call blocks up to milter_command_timeout or milter_content_timeout. A session
 *   makes one call at a time, so with a thread for each session that waits on a filter, a
 *   stalled filter holds only its own session. A call goes to an idle thread when there is one,
 *   else to a new thread, up to the service's process limit (Postfix runs at most that many
 *   smtpd processes, each with its own filter connections); past the limit, calls wait in
 *   order. Threads idle for a minute end.
 * CONFIGURATION PARAMETERS  maxproc of the smtpd service in master.cf (default_process_limit,
 *           100).
 */
final class MilterThreads extends ThreadPoolExecutor {

    /** Calls handed over and not finished yet. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private MilterThreads(String service, int limit, Calls queue) {
        super(0, limit, 60, TimeUnit.SECONDS, queue, new DefaultThreadFactory("postern-" + service + "-milter", true));
        queue.pool = this;
    }

    static ExecutorService create(String service, int limit) {
        return new MilterThreads(service, limit, new Calls());
    }

    @Override
    public void execute(Runnable call) {
        inFlight.incrementAndGet();
        try {
            super.execute(call);
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            throw e;
        }
    }

    @Override
    protected void afterExecute(Runnable call, Throwable failure) {
        inFlight.decrementAndGet();
    }

    /**
     * Queues a call only when a thread is free to take it, or when there are as many threads as
     * allowed; otherwise the executor starts a new thread rather than queue the call behind a
     * stalled one.
     */
    private static final class Calls extends LinkedBlockingQueue<Runnable> {
        private static final long serialVersionUID = 1L;
        private transient MilterThreads pool;

        @Override
        public boolean offer(Runnable call) {
            int threads = pool.getPoolSize();
            if (threads >= pool.getMaximumPoolSize() || pool.inFlight.get() <= threads) {
                return super.offer(call);
            }
            return false;
        }
    }
}
