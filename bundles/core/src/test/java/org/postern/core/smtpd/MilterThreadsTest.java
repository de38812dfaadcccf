// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The milter executor: a thread per waiting call up to the limit, idle threads reused, then calls in order. */
class MilterThreadsTest {

    private final ExecutorService pool = MilterThreads.create("smtp", 3);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void callsOneAfterAnotherShouldReuseOneThread() throws Exception {
        ThreadPoolExecutor executor = (ThreadPoolExecutor) pool;
        for (int i = 0; i < 5; i++) {
            pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
            // the call is over only when its thread is free again (the future completes a moment before)
            for (int wait = 0; wait < 1000 && executor.getActiveCount() > 0; wait++) {
                Thread.sleep(1);
            }
        }
        assertThat(executor.getLargestPoolSize()).isEqualTo(1);
    }

    @Test
    void blockedCallsShouldEachGetAThreadUpToTheLimitThenTheNextWaits() throws Exception {
        CountDownLatch started = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).as("three blocked calls run at once").isTrue();
        Future<?> fourth = pool.submit(() -> { });
        assertThat(((ThreadPoolExecutor) pool).getPoolSize()).isEqualTo(3);
        assertThat(fourth).isNotDone();
        release.countDown();
        fourth.get(10, TimeUnit.SECONDS);
    }
}
