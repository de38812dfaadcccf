// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyCounts;
import org.postern.tlsrpt.counts.PolicyKey;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;

/**
 * SUMMARY   What every {@link TlsRptStore} must do: counts add up, one claim per report,
 *           deliveries, purging, and surviving a reopen.
 * DESCRIPTION
 *   A subclass opens stores over one storage of its own per test. "Another node" is another
 *   store on that storage when the implementation is shared between nodes; for a one-node
 *   store it is the same store, so that the claim tests check its threads instead.
 */
abstract class TlsRptStoreContract {

    static final LocalDate DAY = LocalDate.parse("2026-12-01");
    static final ReportKey EXAMPLE_COM = new ReportKey("example.com", DAY);
    static final PolicyKey STS = new PolicyKey(PolicyType.STS,
            List.of("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"), List.of("*.example.com"));
    static final PolicyKey TLSA = new PolicyKey(PolicyType.TLSA, List.of("3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6"), List.of());
    static final PolicyKey NONE = new PolicyKey(PolicyType.NO_POLICY_FOUND, List.of(), List.of());
    static final FailureKey EXPIRED = new FailureKey(FailureType.CERTIFICATE_EXPIRED, "192.0.2.1", "mx1.example.com",
            "mx1.example.com", "198.51.100.7", "", "certificate expired 2026-11-30");
    static final FailureKey NO_STARTTLS = new FailureKey(FailureType.STARTTLS_NOT_SUPPORTED, "192.0.2.1",
            "mx2.example.com", "", "198.51.100.8", "", "");

    /** What a report says about one policy, comparable with equals. */
    record PolicySummary(long successes, long failures, Map<FailureKey, Long> details) {
    }

    private final List<TlsRptStore> opened = new ArrayList<>();

    /** A new store over this test's storage: another node, or this node after a restart. */
    protected abstract TlsRptStore open() throws IOException;

    /** Whether stores opened separately on the same storage are separate nodes sharing the counts. */
    protected abstract boolean sharedBetweenNodes();

    protected TlsRptStore node() throws IOException {
        TlsRptStore store = open();
        opened.add(store);
        return store;
    }

    /** A second node beside {@code first}: a store of its own if the type is shared, else {@code first}. */
    protected TlsRptStore otherNode(TlsRptStore first) throws IOException {
        return sharedBetweenNodes() ? node() : first;
    }

    @AfterEach
    void closeStores() throws IOException {
        for (TlsRptStore store : opened) {
            store.close();
        }
    }

    static Map<PolicyKey, PolicySummary> summary(DayCounts day) {
        Map<PolicyKey, PolicySummary> out = new LinkedHashMap<>();
        day.policies().forEach((key, p) -> out.put(key,
                new PolicySummary(p.successes(), p.failures(), new LinkedHashMap<>(p.details()))));
        return out;
    }

    static Tally tally(ReportKey report, PolicyKey policy, long successes, Map<FailureKey, Long> failures) {
        Tally t = new Tally();
        add(t, report, policy, successes, failures);
        return t;
    }

    static void add(Tally t, ReportKey report, PolicyKey policy, long successes, Map<FailureKey, Long> failures) {
        PolicyCounts counts = t.day(report).policy(policy);
        counts.addSuccesses(successes);
        failures.forEach(counts::addFailures);
    }

    @Test
    void countsAddedByTwoNodesShouldComeBackSummedInOneReport() throws IOException {
        TlsRptStore a = node();
        TlsRptStore b = node();
        Tally first = tally(EXAMPLE_COM, STS, 3, Map.of(EXPIRED, 2L));
        add(first, EXAMPLE_COM, TLSA, 1, Map.of());
        a.add(first);
        Tally second = tally(EXAMPLE_COM, STS, 4, Map.of(EXPIRED, 1L, NO_STARTTLS, 5L));
        add(second, new ReportKey("example.net", DAY), NONE, 9, Map.of());
        b.add(second);

        for (TlsRptStore store : List.of(a, b)) {
            assertThat(summary(store.counts(EXAMPLE_COM))).containsOnly(
                    Map.entry(STS, new PolicySummary(7, 8, Map.of(EXPIRED, 3L, NO_STARTTLS, 5L))),
                    Map.entry(TLSA, new PolicySummary(1, 0, Map.of())));
            assertThat(summary(store.counts(new ReportKey("example.net", DAY))))
                    .containsOnly(Map.entry(NONE, new PolicySummary(9, 0, Map.of())));
            assertThat(store.unclaimed(Optional.empty()))
                    .containsExactly(EXAMPLE_COM, new ReportKey("example.net", DAY));
        }
    }

    @Test
    void concurrentAddsShouldAllCount() throws Exception {
        TlsRptStore a = node();
        List<TlsRptStore> writers = List.of(a, a, otherNode(a), otherNode(a));
        int rounds = 50;
        ExecutorService pool = Executors.newFixedThreadPool(writers.size());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (TlsRptStore writer : writers) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Tally t = tally(EXAMPLE_COM, STS, 1, Map.of(EXPIRED, 1L, NO_STARTTLS, 2L));
                        add(t, new ReportKey("example.org", DAY), TLSA, 0, Map.of(EXPIRED, 1L));
                        writer.add(t);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long n = (long) rounds * writers.size();
        assertThat(summary(a.counts(EXAMPLE_COM)))
                .containsOnly(Map.entry(STS, new PolicySummary(n, 3 * n, Map.of(EXPIRED, n, NO_STARTTLS, 2 * n))));
        assertThat(summary(a.counts(new ReportKey("example.org", DAY))))
                .containsOnly(Map.entry(TLSA, new PolicySummary(0, n, Map.of(EXPIRED, n))));
    }

    @Test
    void claimShouldSucceedForExactlyOneNode() throws IOException {
        TlsRptStore a = node();
        TlsRptStore b = otherNode(a);
        a.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
        a.add(tally(new ReportKey("example.net", DAY), STS, 1, Map.of()));

        assertThat(a.claim(EXAMPLE_COM, "2026-12-01T00:00:00Z_example.com_a")).isTrue();
        assertThat(b.claim(EXAMPLE_COM, "2026-12-01T00:00:00Z_example.com_b")).isFalse();
        assertThat(a.claim(EXAMPLE_COM, "2026-12-01T00:00:00Z_example.com_a")).isFalse();
        assertThat(b.unclaimed(Optional.empty())).containsExactly(new ReportKey("example.net", DAY));
        assertThat(a.unclaimed(Optional.empty())).containsExactly(new ReportKey("example.net", DAY));
    }

    @Test
    void concurrentClaimsShouldHaveExactlyOneWinnerPerReport() throws Exception {
        TlsRptStore a = node();
        TlsRptStore b = otherNode(a);
        List<ReportKey> reports = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reports.add(new ReportKey("d" + i + ".example", DAY));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<List<Boolean>> wonByA = pool.submit(() -> claimAll(a, "a", reports, start));
            Future<List<Boolean>> wonByB = pool.submit(() -> claimAll(b, "b", reports, start));
            start.countDown();
            List<Boolean> resultsA = wonByA.get(60, TimeUnit.SECONDS);
            List<Boolean> resultsB = wonByB.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < reports.size(); i++) {
                assertThat(resultsA.get(i) ^ resultsB.get(i)).as("exactly one winner for %s", reports.get(i)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Boolean> claimAll(TlsRptStore store, String node, List<ReportKey> reports, CountDownLatch start)
            throws Exception {
        start.await();
        List<Boolean> won = new ArrayList<>();
        for (ReportKey report : reports) {
            won.add(store.claim(report, report + " " + node));
        }
        return won;
    }

    @Test
    void unclaimedShouldHonourBeforeAndListOldestFirst() throws IOException {
        TlsRptStore store = node();
        LocalDate d1 = DAY;
        LocalDate d2 = DAY.plusDays(1);
        LocalDate d3 = DAY.plusDays(2);
        Tally t = new Tally();
        add(t, new ReportKey("b.example", d2), STS, 1, Map.of());
        add(t, new ReportKey("z.example", d1), NONE, 1, Map.of());
        add(t, new ReportKey("a.example", d2), TLSA, 0, Map.of(EXPIRED, 1L));
        add(t, new ReportKey("a.example", d3), STS, 1, Map.of());
        add(t, new ReportKey("c.example", d1), STS, 1, Map.of());
        store.add(t);
        store.claim(new ReportKey("c.example", d1), "c");

        assertThat(store.unclaimed(Optional.of(d3))).containsExactly(new ReportKey("z.example", d1),
                new ReportKey("a.example", d2), new ReportKey("b.example", d2));
        assertThat(store.unclaimed(Optional.of(d1))).isEmpty();
        assertThat(store.unclaimed(Optional.empty())).containsExactly(new ReportKey("z.example", d1),
                new ReportKey("a.example", d2), new ReportKey("b.example", d2), new ReportKey("a.example", d3));
    }

    @Test
    void lastDeliveriesShouldGiveTheLatestAttemptPerDomainAndRua() throws IOException {
        TlsRptStore a = node();
        TlsRptStore b = otherNode(a);
        Instant t = Instant.parse("2026-12-02T00:10:00Z");
        ReportKey net = new ReportKey("example.net", DAY);
        DeliveryRecord mailFailed = new DeliveryRecord(EXAMPLE_COM, "r1", "mailto:tlsrpt@example.com", t, false,
                "cannot queue: out of disk");
        DeliveryRecord https = new DeliveryRecord(EXAMPLE_COM, "r1", "https://reports.example.com/v1", t.plusSeconds(1),
                true, "HTTP 201");
        DeliveryRecord mailQueued = new DeliveryRecord(EXAMPLE_COM, "r1", "mailto:tlsrpt@example.com",
                t.plusSeconds(60), true, "4XjQ2c1Yz0");
        DeliveryRecord other = new DeliveryRecord(net, "r2", "mailto:tlsrpt@example.com", t.plusSeconds(120), false,
                "HTTP 503");
        a.recordDelivery(mailFailed);
        b.recordDelivery(https);
        a.recordDelivery(mailQueued);
        b.recordDelivery(other);

        assertThat(a.lastDeliveries()).containsExactlyInAnyOrder(https, mailQueued, other);
        assertThat(node().lastDeliveries()).containsExactlyInAnyOrder(https, mailQueued, other);
    }

    @Test
    void purgeBeforeShouldForgetOlderDaysOnly() throws IOException {
        TlsRptStore store = node();
        ReportKey old = new ReportKey("example.com", DAY.minusDays(1));
        ReportKey kept = EXAMPLE_COM;
        Tally t = tally(old, STS, 5, Map.of(EXPIRED, 1L));
        add(t, kept, STS, 2, Map.of(EXPIRED, 3L));
        store.add(t);
        store.add(tally(new ReportKey("old.example", DAY.minusDays(1)), NONE, 1, Map.of()));
        assertThat(store.claim(old, "old")).isTrue();
        assertThat(store.claim(kept, "kept")).isTrue();
        DeliveryRecord oldDelivery = new DeliveryRecord(old, "old", "mailto:a@example.com",
                Instant.parse("2026-12-01T00:05:00Z"), true, "q1");
        DeliveryRecord keptDelivery = new DeliveryRecord(kept, "kept", "https://example.com/r",
                Instant.parse("2026-12-02T00:05:00Z"), true, "HTTP 200");
        store.recordDelivery(oldDelivery);
        store.recordDelivery(keptDelivery);

        store.purgeBefore(DAY);

        assertThat(store.counts(old).isEmpty()).isTrue();
        assertThat(summary(store.counts(kept)))
                .containsOnly(Map.entry(STS, new PolicySummary(2, 3, Map.of(EXPIRED, 3L))));
        assertThat(store.unclaimed(Optional.empty())).isEmpty();
        assertThat(store.lastDeliveries()).containsExactly(keptDelivery);
        assertThat(store.claim(old, "again")).as("the old claim is forgotten too").isTrue();
        assertThat(store.claim(kept, "again")).isFalse();
    }

    @Test
    void reopenAfterAddShouldKeepCountsAndClaims() throws IOException {
        TlsRptStore first = open();
        first.add(tally(EXAMPLE_COM, STS, 3, Map.of(NO_STARTTLS, 4L)));
        first.add(tally(new ReportKey("example.net", DAY), TLSA, 1, Map.of()));
        assertThat(first.claim(new ReportKey("example.net", DAY), "net")).isTrue();
        first.close();

        TlsRptStore again = node();
        assertThat(summary(again.counts(EXAMPLE_COM)))
                .containsOnly(Map.entry(STS, new PolicySummary(3, 4, Map.of(NO_STARTTLS, 4L))));
        assertThat(again.unclaimed(Optional.empty())).containsExactly(EXAMPLE_COM);
        assertThat(again.claim(new ReportKey("example.net", DAY), "net")).isFalse();
    }

    @Test
    void countsOfAReportNobodyCountedShouldBeEmpty() throws IOException {
        TlsRptStore store = node();
        store.add(new Tally());
        store.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
        assertThat(store.counts(new ReportKey("example.com", DAY.plusDays(1))).isEmpty()).isTrue();
        assertThat(store.counts(new ReportKey("example.org", DAY)).isEmpty()).isTrue();
    }

    @Test
    void fieldsShouldComeBackExactlyAndPoliciesDifferingOnlyInSplittingShouldStayApart() throws IOException {
        TlsRptStore store = node();
        PolicyKey joined = new PolicyKey(PolicyType.STS, List.of("a,b"), List.of("mx.example"));
        PolicyKey split = new PolicyKey(PolicyType.STS, List.of("a", "b"), List.of("mx.example"));
        PolicyKey newline = new PolicyKey(PolicyType.STS, List.of("a\nb"), List.of("mx.example"));
        PolicyKey mxMoved = new PolicyKey(PolicyType.STS, List.of("a"), List.of("b", "mx.example"));
        PolicyKey huge = new PolicyKey(PolicyType.TLSA, List.of("3 1 1 " + "ab".repeat(10_000), "3 0 1 ff"), List.of());
        FailureKey hostile = new FailureKey(FailureType.VALIDATION_FAILURE, "2001:db8::1", "mx.example",
                "h\u00e9lo \"quoted\" 'x' \\ " + "x".repeat(10_000), "2001:db8::25", "info\u2028\u0001", "r".repeat(5_000));
        Tally t = new Tally();
        add(t, EXAMPLE_COM, joined, 1, Map.of());
        add(t, EXAMPLE_COM, split, 2, Map.of());
        add(t, EXAMPLE_COM, newline, 3, Map.of());
        add(t, EXAMPLE_COM, mxMoved, 4, Map.of());
        add(t, EXAMPLE_COM, huge, 0, Map.of(hostile, 6L, hostile.typeOnly(), 1L));
        store.add(t);
        store.add(tally(EXAMPLE_COM, huge, 0, Map.of(hostile, 1L)));

        assertThat(summary(store.counts(EXAMPLE_COM))).containsOnly(
                Map.entry(joined, new PolicySummary(1, 0, Map.of())),
                Map.entry(split, new PolicySummary(2, 0, Map.of())),
                Map.entry(newline, new PolicySummary(3, 0, Map.of())),
                Map.entry(mxMoved, new PolicySummary(4, 0, Map.of())),
                Map.entry(huge, new PolicySummary(0, 8, Map.of(hostile, 7L, hostile.typeOnly(), 1L))));
    }

    @Test
    void detailRowsBeyondTheBoundShouldBeCountedUnderTheirResultType() throws IOException {
        TlsRptStore store = node();
        int distinct = PolicyCounts.MAX_DETAILS + 250;
        int chunk = 300;
        for (int from = 0; from < distinct; from += chunk) {
            Map<FailureKey, Long> rows = new LinkedHashMap<>();
            for (int i = from; i < Math.min(distinct, from + chunk); i++) {
                rows.put(new FailureKey(FailureType.CERTIFICATE_NOT_TRUSTED, "192.0.2.1", "mx.example.com",
                        "helo-" + i + ".example", "198.51.100.7", "", ""), 2L);
            }
            store.add(tally(EXAMPLE_COM, STS, 1, rows));
        }
        PolicyCounts counts = store.counts(EXAMPLE_COM).policies().get(STS);
        assertThat(counts.failures()).isEqualTo(2L * distinct);
        assertThat(counts.successes()).isEqualTo((distinct + chunk - 1) / chunk);
        assertThat(counts.details()).hasSizeLessThanOrEqualTo(PolicyCounts.MAX_DETAILS + 1);
        assertThat(counts.details().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2L * distinct);
        assertThat(counts.details().get(new FailureKey(FailureType.CERTIFICATE_NOT_TRUSTED, "", "", "", "", "", "")))
                .as("the rows beyond the bound, under their result type").isGreaterThanOrEqualTo(2L * 250);
    }
}
