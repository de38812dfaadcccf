// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictWriter;
import org.postern.api.dict.LookupResult;

/**
 * Differential test: tables built by Postfix's postmap read in Postern, and tables built by
 * Postern read by Postfix's postmap -q / -s. Skipped when /usr/sbin/postmap or its lmdb
 * support is absent, unless -Dpostern.itest.requireServices=true. postmap only reads and
 * writes the files here; no Postfix daemon runs.
 */
class LmdbPostfixInteropTest {
    private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePostmapWithLmdb() throws Exception {
        boolean present = Files.isExecutable(POSTMAP) && postfixTypes().contains("lmdb");
        if (!present && Boolean.getBoolean("postern.itest.requireServices")) {
            throw new IllegalStateException("postern.itest.requireServices=true but " + POSTMAP
                    + " with lmdb support (Debian: postfix-lmdb) is missing");
        }
        Assumptions.assumeTrue(present, "skipped: " + POSTMAP + " with lmdb support (postfix-lmdb) is not installed");
    }

    private static List<String> postfixTypes() throws IOException, InterruptedException {
        Path postconf = Path.of("/usr/sbin/postconf");
        if (!Files.isExecutable(postconf)) {
            return List.of();
        }
        return run(List.of(postconf.toString(), "-m"), null).out();
    }

    record Result(int status, List<String> out) {
    }

    static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).lines().toList());
    }

    private static final String SOURCE = """
            example.com     REJECT spam source
            192.0.2.1       OK
            user@example.org   550 no such user
            bücher.example  OK
            long            first part
              and continuation
            """;

    @Test
    void tableBuiltByPostfixShouldReadTheSameInPostern() throws Exception {
        Path source = dir.resolve("access");
        Files.writeString(source, SOURCE);
        assertThat(run(List.of(POSTMAP.toString(), "lmdb:" + source), null).status()).isZero();

        Map<String, String> postfixDump = new TreeMap<>();
        for (String line : run(List.of(POSTMAP.toString(), "-s", "lmdb:" + source), null).out()) {
            int tab = line.indexOf('\t');
            postfixDump.put(line.substring(0, tab), line.substring(tab + 1));
        }
        Path file = dir.resolve("access.lmdb");
        try (LmdbDict dict = LmdbDict.open(source.toString(), file, Set.of(DictFlag.FOLD_CASE), System::nanoTime)) {
            Map<String, String> ours = new TreeMap<>();
            dict.forEach(ours::put);
            assertThat(ours).isEqualTo(postfixDump).hasSize(5);
            for (String key : List.of("Example.COM", "192.0.2.1", "user@example.org", "bücher.example", "long", "nope")) {
                assertThat(dict.lookup(key)).as(key).isEqualTo(postmapQuery(key, "lmdb:" + source));
            }
        }
    }

    @Test
    void tableBuiltByPosternShouldReadTheSameInPostfix() throws Exception {
        Path base = dir.resolve("ours");
        Map<String, String> entries = new TreeMap<>(Map.of(
                "example.com", "REJECT spam source", "192.0.2.1", "OK", "bücher.example", "OK", "x", ""));
        try (DictWriter writer = LmdbTableWriter.create(dir.resolve("ours.lmdb"))) {
            for (var e : entries.entrySet()) {
                writer.put(e.getKey(), e.getValue());
            }
            writer.commit();
        }
        List<String> dump = run(List.of(POSTMAP.toString(), "-s", "lmdb:" + base), null).out();
        List<String> expected = new ArrayList<>();
        entries.forEach((k, v) -> expected.add(k + "\t" + v));
        assertThat(dump).containsExactlyInAnyOrderElementsOf(expected);
        try (LmdbDict dict = LmdbDict.open(base.toString(), dir.resolve("ours.lmdb"), Set.of(DictFlag.FOLD_CASE),
                System::nanoTime)) {
            for (String key : List.of("EXAMPLE.com", "192.0.2.1", "bücher.example", "missing")) {
                assertThat(postmapQuery(key, "lmdb:" + base)).as(key).isEqualTo(dict.lookup(key));
            }
        }
    }

    @Test
    void updatesShouldBeSeenByTheOtherSide() throws Exception {
        Path source = dir.resolve("mixed");
        Files.writeString(source, "a 1\nb 2\n");
        assertThat(run(List.of(POSTMAP.toString(), "lmdb:" + source), null).status()).isZero();
        Path file = dir.resolve("mixed.lmdb");
        try (LmdbDict dict = LmdbDict.open(source.toString(), file, Set.of(DictFlag.FOLD_CASE), System::nanoTime)) {
            dict.update("c", "3");
            assertThat(dict.delete("a")).isTrue();
            assertThat(postmapQuery("c", "lmdb:" + source)).isEqualTo(LookupResult.found("3"));
            assertThat(postmapQuery("a", "lmdb:" + source)).isEqualTo(LookupResult.notFound());

            assertThat(run(List.of(POSTMAP.toString(), "-i", "lmdb:" + source), "d 4\n").status()).isZero();
            assertThat(run(List.of(POSTMAP.toString(), "-d", "b", "lmdb:" + source), null).status()).isZero();
            assertThat(dict.lookup("d")).isEqualTo(LookupResult.found("4"));
            assertThat(dict.lookup("b")).isEqualTo(LookupResult.notFound());
        }
    }

    static LookupResult postmapQuery(String key, String spec) throws IOException, InterruptedException {
        Result r = run(List.of(POSTMAP.toString(), "-q", key, spec), null);
        return switch (r.status()) {
            case 0 -> LookupResult.found(r.out().isEmpty() ? "" : r.out().get(0));
            case 1 -> LookupResult.notFound();
            default -> LookupResult.temporaryFailure("postmap exit " + r.status());
        };
    }
}
