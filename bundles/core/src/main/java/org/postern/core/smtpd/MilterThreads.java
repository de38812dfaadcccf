// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * SUMMARY   The threads smtpd's milter calls block on, apart from the restrictions' executor.
 * DESCRIPTION
 *   A milter call blocks up to milter_command_timeout or milter_content_timeout. A session
 *   makes one call at a time, so with one thread per session that waits on a filter, a stalled
 *   filter holds only its own session: the pool grows on demand up to the service's process
 *   limit (Postfix runs at most that many smtpd processes, each with its own filter
 *   connections) and idle threads end after a minute. Past the limit, calls queue in order.
 * CONFIGURATION PARAMETERS  maxproc of the smtpd service in master.cf (default_process_limit,
 *           100).
 */
final class MilterThreads {

    private MilterThreads() {
    }

    static ExecutorService create(String service, int limit) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(limit, limit, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("postern-" + service + "-milter", true));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
