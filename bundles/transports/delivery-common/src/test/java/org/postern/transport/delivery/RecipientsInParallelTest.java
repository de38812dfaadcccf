// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RecipientsInParallelTest {

    @Test
    void oneRecipientShouldBeDeliveredOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        assertThat(RecipientsInParallel.map(List.of("a"), "t", r -> Thread.currentThread() == caller)).containsExactly(true);
    }

    @Test
    void aWaitingRecipientShouldNotHoldUpTheOthersAndResultsKeepTheRequestOrder() {
        CountDownLatch othersDone = new CountDownLatch(3);
        List<String> results = RecipientsInParallel.map(List.of("slow", "b", "c", "d"), "t", r -> {
            if (r.equals("slow")) {
                try {
                    // Finishes only once the others have: they did not wait behind it.
                    return othersDone.await(60, TimeUnit.SECONDS) ? "slow done after the others" : "slow timed out";
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            othersDone.countDown();
            return r + " done";
        });
        assertThat(results).containsExactly("slow done after the others", "b done", "c done", "d done");
    }

    @Test
    void atMostEightShouldRunAtOnce() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        List<Integer> results = RecipientsInParallel.map(IntStream.range(0, 50).boxed().toList(), "t", r -> {
            threads.add(Thread.currentThread());
            return r * 2;
        });
        assertThat(results).isEqualTo(IntStream.range(0, 50).map(r -> r * 2).boxed().toList());
        assertThat(threads.size()).isBetween(1, RecipientsInParallel.MAX_PARALLEL);
    }

    @Test
    void aFailingRecipientShouldNotStopTheOthersAndItsExceptionComesBack() {
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        assertThatThrownBy(() -> RecipientsInParallel.map(List.of("a", "boom", "c"), "t", r -> {
            if (r.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            delivered.add(r);
            return r;
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(delivered).containsExactlyInAnyOrder("a", "c");
    }
}
