// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.postern.testing.MovableClock;

class QueueIdsTest {

    @Test
    void idShouldBeTenCharactersOfPostfixBase52Alphabet() {
        String id = new QueueIds().next();
        assertThat(id).hasSize(10).matches("[0-9BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz]{10}");
        assertThat(QueueIds.isValid(id)).isTrue();
    }

    @Test
    void timeOfShouldDecodeTheMicrosecondTheIdWasMadeAt() {
        Instant t = Instant.parse("2024-05-01T12:34:56.123456Z");
        String id = new QueueIds(Clock.fixed(t, ZoneOffset.UTC)).next();
        assertThat(QueueIds.timeOf(id)).isEqualTo(t);
    }

    @Test
    void stringOrderShouldBeTimeOrder() {
        List<String> ids = new ArrayList<>();
        long[] micros = {0, 1, 51, 52, 999_999, 1_000_000, 1_700_000_000_000_000L, 1_700_000_000_000_001L,
            1_700_000_001_000_000L, 4_000_000_000_000_000L};
        for (long m : micros) {
            ids.add(QueueIds.encode(m));
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void nextShouldIncreaseWhenClockStandsStillOrStepsBack() {
        MovableClock clock = new MovableClock(Instant.parse("2024-05-01T00:00:00Z"));
        QueueIds ids = new QueueIds(clock);
        String a = ids.next();
        String b = ids.next();
        clock.advance(java.time.Duration.ofSeconds(-3600));
        String c = ids.next();
        assertThat(List.of(a, b, c)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void observeShouldKeepLaterIdsAboveIdsFoundOnDisk() {
        QueueIds ids = new QueueIds(Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC));
        String onDisk = QueueIds.encode(Instant.parse("2030-01-01T00:00:00Z").getEpochSecond() * 1_000_000L);
        ids.observe(onDisk);
        assertThat(ids.next()).isGreaterThan(onDisk);
    }

    @Test
    void idsShouldBeUniqueAndOrderedPerThreadUnderConcurrency() throws Exception {
        QueueIds ids = new QueueIds();
        int threads = 8;
        int perThread = 20_000;
        Set<String> all = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<String> disorder = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                String previous = "";
                for (int i = 0; i < perThread; i++) {
                    String id = ids.next();
                    if (id.compareTo(previous) <= 0) {
                        disorder.set(previous + " then " + id);
                    }
                    previous = id;
                    all.add(id);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(disorder.get()).isNull();
        assertThat(all).hasSize(threads * perThread);
    }

    @Test
    void isValidShouldRefuseAnythingThatCouldBeAPath() {
        assertThat(QueueIds.isValid("../../etc/x")).isFalse();
        assertThat(QueueIds.isValid("4XjQ2c1Yz/")).isFalse();
        assertThat(QueueIds.isValid("4XjQ2c1Yz0.part")).isFalse();
        assertThat(QueueIds.isValid("4XjQ2c1Ya0")).isFalse(); // vowel
        assertThat(QueueIds.isValid("")).isFalse();
        assertThat(QueueIds.isValid(null)).isFalse();
        assertThatThrownBy(() -> QueueIds.timeOf("nope")).isInstanceOf(IllegalArgumentException.class);
    }
}
