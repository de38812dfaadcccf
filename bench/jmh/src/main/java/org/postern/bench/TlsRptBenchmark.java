// SPDX-License-Identifier: Apache-2.0
package org.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.tlsrpt.ResultRecorder;
import org.postern.tlsrpt.TlsRptService;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.postern.tlsrpt.report.ReportHeader;
import org.postern.tlsrpt.report.ReportJson;

/**
 * SUMMARY   TLSRPT's costs: one session result handed over on the smtp client's thread
 *           (recordBelowTheBound: the usual case; recordOverloaded: the queue full), and 1,000,000 results for 1,000 domains counted and every report
 *           rendered as gzipped JSON (aggregateAndRender, ms; the target is under 1 s).
 * DESCRIPTION
 *   The results mix the three policy types and one in ten is a failure with its details, over
 *   one UTC day. record runs against the real service, whose thread drains and stores (file
 *   store in a scratch directory) once a second as in production.
 */
@State(Scope.Benchmark)
public class TlsRptBenchmark {

    private static final int RESULTS = 1_000_000;
    private static final int DOMAINS = 1_000;

    private TlsSessionResult[] results;
    private TlsRptService service;
    private Path data;
    private int next;

    @Setup
    public void setUp() throws IOException {
        results = new TlsSessionResult[RESULTS];
        Instant noon = Instant.parse("2026-12-05T12:00:00Z");
        for (int i = 0; i < RESULTS; i++) {
            int d = i % DOMAINS;
            PolicyType type = PolicyType.values()[d % 3];
            List<String> strings = type == PolicyType.NO_POLICY_FOUND ? List.of()
                    : List.of("version: STSv1", "mode: enforce", "mx: mx" + d + ".example", "max_age: 604800");
            Optional<FailureType> failure = i % 10 == 0 ? Optional.of(FailureType.values()[i % 7]) : Optional.empty();
            results[i] = new TlsSessionResult(noon.plusMillis(i), "domain" + d + ".example", type, strings,
                    type == PolicyType.STS ? List.of("mx" + d + ".example") : List.of(), "mx" + d + ".example",
                    failure.isPresent() ? "mx" + d + ".example" : "", "192.0.2." + (d % 250), "198.51.100.1", failure,
                    failure.isPresent() ? "reason " + (i % 5) : "");
        }
        data = Files.createTempDirectory("tlsrpt-bench");
        System.setProperty("karaf.data", data.toString());
        Map<String, String> main = Map.of("mydomain", "bench.example");
        service = new TlsRptService(() -> Optional.of(main::get));
    }

    @TearDown
    public void tearDown() throws IOException {
        service.deactivate();
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * One result handed to the TLSRPT sink, sustained: the queue is full almost all the time
     * (the service drains it once a second), so this is the overflow path, merged under a lock.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void recordOverloaded() {
        service.sessionCompleted(results[next++ % RESULTS]);
    }

    /** The recorder alone, emptied before each batch, so every result takes the queue: the usual path. */
    @State(Scope.Thread)
    public static class EmptyRecorder {
        final ResultRecorder recorder = new ResultRecorder();

        @Setup(Level.Invocation)
        public void empty() {
            recorder.drain();
        }
    }

    private static final int BATCH = 50_000;

    /** One result handed over while the queue has room (BATCH per invocation, below its bound). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(BATCH)
    public void recordBelowTheBound(EmptyRecorder state) {
        for (int i = 0; i < BATCH; i++) {
            state.recorder.sessionCompleted(results[i]);
        }
    }

    /** 1,000,000 results counted, then the 1,000 reports built and gzipped. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void aggregateAndRender(Blackhole sink) {
        Tally tally = new Tally();
        for (TlsSessionResult r : results) {
            tally.record(r);
        }
        ReportHeader header = new ReportHeader("Bench", "postmaster@bench.example", "bench.example", "id@bench.example");
        for (Map.Entry<ReportKey, DayCounts> day : tally.days().entrySet()) {
            sink.consume(ReportJson.gzip(ReportJson.build(day.getKey(), day.getValue(), header)));
        }
    }
}
