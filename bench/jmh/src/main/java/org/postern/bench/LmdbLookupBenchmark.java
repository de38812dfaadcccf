// SPDX-License-Identifier: Apache-2.0
package org.postern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.DictWriter;
import org.postern.api.dict.LookupResult;
import org.postern.maps.lmdb.LmdbDictFactory;

/**
 * SUMMARY   Lookups per second in an lmdb: table of 100,000 access(5)-like entries.
 * DESCRIPTION
 *   hit: keys that are in the table; miss: keys that are not (two probes each: with and
 *   without NUL, as Postfix). Keys are folded (FOLD_CASE) as main.cf tables are.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LmdbLookupBenchmark {
    private static final int ENTRIES = 100_000;

    private Path dir;
    private Dict dict;
    private String[] hits;
    private String[] misses;

    /** Per-thread position in the key arrays. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void build() throws Exception {
        dir = Files.createTempDirectory("postern-bench");
        LmdbDictFactory factory = new LmdbDictFactory();
        DictContext context = new DictContext() {
            @Override
            public Path configDirectory() {
                return dir;
            }

            @Override
            public DictRegistry registry() {
                return null;
            }

            @Override
            public void warn(String message) {
            }
        };
        hits = new String[4096];
        misses = new String[4096];
        try (DictWriter writer = factory.create("access", Set.of(), context)) {
            for (int i = 0; i < ENTRIES; i++) {
                writer.put("host" + i + ".example.com", i % 3 == 0 ? "REJECT" : "OK");
            }
            writer.commit();
        }
        for (int i = 0; i < hits.length; i++) {
            hits[i] = "Host" + (i * 24 % ENTRIES) + ".Example.com";
            misses[i] = "other" + i + ".example.net";
        }
        dict = factory.open("access", Set.of(DictFlag.FOLD_CASE), context);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        dict.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public LookupResult hit(Cursor cursor) {
        return dict.lookup(hits[cursor.next++ & (hits.length - 1)]);
    }

    @Benchmark
    public LookupResult miss(Cursor cursor) {
        return dict.lookup(misses[cursor.next++ & (misses.length - 1)]);
    }
}
