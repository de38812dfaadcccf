// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictWriter;
import org.postern.api.dict.LookupResult;

class LmdbDictTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();

    private Path build(String name, Map<String, String> entries) throws DictException {
        Path file = dir.resolve(name + ".lmdb");
        try (DictWriter writer = LmdbTableWriter.create(file)) {
            entries.forEach((k, v) -> {
                try {
                    writer.put(k, v);
                } catch (DictException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.commit();
        }
        return file;
    }

    private LmdbDict open(Path file, Set<DictFlag> flags) throws DictException {
        return LmdbDict.open(file.toString(), file, flags, clock::get);
    }

    @Test
    void lookupShouldReturnValueWhenKeyPresent() throws Exception {
        Path file = build("access", Map.of("example.com", "REJECT", "192.0.2.1", "OK"));
        try (LmdbDict dict = open(file, Set.of())) {
            assertThat(dict.lookup("example.com")).isEqualTo(LookupResult.found("REJECT"));
            assertThat(dict.lookup("192.0.2.1")).isEqualTo(LookupResult.found("OK"));
            assertThat(dict.lookup("example.org")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void lookupShouldFoldKeyWhenFoldCaseRequested() throws Exception {
        Path file = build("access", Map.of("example.com", "REJECT"));
        try (LmdbDict folding = open(file, Set.of(DictFlag.FOLD_CASE)); LmdbDict exact = open(file, Set.of())) {
            assertThat(folding.lookup("Example.COM")).isEqualTo(LookupResult.found("REJECT"));
            assertThat(exact.lookup("Example.COM")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void lookupShouldHandleUtf8AndOverlongKeys() throws Exception {
        Path file = build("utf8", Map.of("bücher.example", "ÖK"));
        try (LmdbDict dict = open(file, Set.of())) {
            assertThat(dict.lookup("bücher.example")).isEqualTo(LookupResult.found("ÖK"));
            assertThat(dict.lookup("x".repeat(5000))).isEqualTo(LookupResult.notFound());
        }
        try (LmdbDict folding = open(file, Set.of(DictFlag.FOLD_CASE))) {
            assertThat(folding.lookup("BÜCHER.Example")).isEqualTo(LookupResult.found("ÖK"));
        }
    }

    @Test
    void putShouldKeepFirstValueAndReportDuplicate() throws Exception {
        Path file = dir.resolve("dup.lmdb");
        try (DictWriter writer = LmdbTableWriter.create(file)) {
            assertThat(writer.put("foo", "first")).isTrue();
            assertThat(writer.put("foo", "second")).isFalse();
            writer.commit();
        }
        try (LmdbDict dict = open(file, Set.of())) {
            assertThat(dict.lookup("foo")).isEqualTo(LookupResult.found("first"));
        }
    }

    @Test
    void closeWithoutCommitShouldLeaveNoFiles() throws Exception {
        Path file = dir.resolve("never.lmdb");
        try (DictWriter writer = LmdbTableWriter.create(file)) {
            writer.put("a", "b");
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing).isEmpty();
        }
    }

    @Test
    void readerShouldSeeOldTableUntilCommitThenNewAfterRecheck() throws Exception {
        Path file = build("t", Map.of("k", "old"));
        try (LmdbDict dict = open(file, Set.of())) {
            assertThat(dict.lookup("k")).isEqualTo(LookupResult.found("old"));
            DictWriter writer = LmdbTableWriter.create(file);
            writer.put("k", "new");
            assertThat(dict.lookup("k")).isEqualTo(LookupResult.found("old"));
            writer.commit();
            writer.close();
            // Not yet looked at the file: the old (renamed-over) version still answers.
            assertThat(dict.lookup("k")).isEqualTo(LookupResult.found("old"));
            clock.addAndGet(LmdbDict.RECHECK_NANOS);
            assertThat(dict.lookup("k")).isEqualTo(LookupResult.found("new"));
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("t.lmdb");
        }
    }

    @Test
    void commitShouldKeepPermissionsOfLiveTable() throws Exception {
        Path file = build("perm", Map.of("k", "v"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        build("perm", Map.of("k", "v2"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
    }

    // postmap(1): "the file is created with the same group and other read permissions as the source file".
    @Test
    void commitShouldGiveTheTableTheSourceFilesGroupAndOtherReadBits() throws Exception {
        String[][] sourceToTable = {
            {"rw-------", "rw-------"},
            {"rw-r-----", "rw-r-----"},
            {"rw-r--r--", "rw-r--r--"},
            {"rw-rw-rw-", "rw-r--r--"},   // write bits are not taken over
            {"r--r----x", "rw-r-----"},   // nor execute; the owner may always rewrite its table
        };
        for (String[] c : sourceToTable) {
            Path source = Files.writeString(dir.resolve("sasl_passwd"), "k v\n");
            Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString(c[0]));

            Path table = build("sasl_passwd", Map.of("k", "v"));

            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(table)))
                    .as("source " + c[0]).isEqualTo(c[1]);
            Files.delete(source);
        }
    }

    @Test
    void aRebuildShouldFollowTheSourceWhenItsModeChanged() throws Exception {
        Path source = Files.writeString(dir.resolve("access"), "k v\n");
        Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path table = build("access", Map.of("k", "v"));
        Files.setPosixFilePermissions(source, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        build("access", Map.of("k", "v2"));

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(table)))
                .isEqualTo("rw-------");
    }

    @Test
    void theTemporaryFileShouldBeReadableByTheOwnerOnlyWhileTheTableIsWritten() throws Exception {
        try (DictWriter writer = LmdbTableWriter.create(dir.resolve("private.lmdb"))) {
            writer.put("k", "v");
            try (var listing = Files.list(dir)) {
                Path temporary = listing.filter(p -> p.getFileName().toString().endsWith(".tmp")).findFirst().orElseThrow();
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(temporary)))
                        .isEqualTo("rw-------");
            }
        }
    }

    @Test
    void sourceOfShouldDropTheSuffix() {
        assertThat(LmdbTableWriter.sourceOf(Path.of("/etc/postern/access.lmdb"))).contains(Path.of("/etc/postern/access"));
        assertThat(LmdbTableWriter.sourceOf(Path.of("/etc/postern/.lmdb"))).isEmpty();
        assertThat(LmdbTableWriter.sourceOf(Path.of("/etc/postern/access.db"))).isEmpty();
    }

    @Test
    void writerShouldGrowMapWhenFull() throws Exception {
        Path file = dir.resolve("big.lmdb");
        int n = 30_000;
        try (DictWriter writer = LmdbTableWriter.create(file, 64 * 1024)) {
            for (int i = 0; i < n; i++) {
                writer.put("key-" + i, "value-" + i + "-" + "x".repeat(40));
            }
            writer.commit();
        }
        assertThat(Files.size(file)).isGreaterThan(64 * 1024);
        try (LmdbDict dict = open(file, Set.of())) {
            List<String> keys = new ArrayList<>();
            dict.forEach((k, v) -> keys.add(k));
            assertThat(keys).hasSize(n);
            assertThat(dict.lookup("key-0")).isEqualTo(LookupResult.found("value-0-" + "x".repeat(40)));
            assertThat(dict.lookup("key-" + (n - 1))).isEqualTo(LookupResult.found("value-" + (n - 1) + "-" + "x".repeat(40)));
        }
    }

    @Test
    void updateAndDeleteShouldChangeLiveTable() throws Exception {
        Path file = build("live", Map.of("a", "1", "b", "2"));
        try (LmdbDict dict = open(file, Set.of(DictFlag.FOLD_CASE))) {
            assertThat(dict.capabilities()).containsExactlyInAnyOrder(DictCapability.values());
            dict.update("C", "3");
            dict.update("a", "10");
            assertThat(dict.delete("b")).isTrue();
            assertThat(dict.delete("b")).isFalse();
            assertThat(dict.lookup("c")).isEqualTo(LookupResult.found("3"));
            assertThat(dict.lookup("a")).isEqualTo(LookupResult.found("10"));
            assertThat(dict.lookup("b")).isEqualTo(LookupResult.notFound());
        }
        assertThat(dir.resolve("live.lmdb-lock")).exists();
    }

    @Test
    void updateShouldGrowLiveTablePastItsMap() throws Exception {
        Path file = build("grow", Map.of("a", "1"));
        String big = "v".repeat(1 << 20);
        try (LmdbDict dict = open(file, Set.of())) {
            for (int i = 0; i < 20; i++) {
                dict.update("key-" + i, big);
            }
            assertThat(Files.size(file)).isGreaterThan(LmdbMapSize.INITIAL);
            clock.addAndGet(LmdbDict.RECHECK_NANOS);
            assertThat(dict.lookup("key-19")).isEqualTo(LookupResult.found(big));
        }
    }

    @Test
    void forEachShouldListEntriesInKeyOrder() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("b", "2");
        entries.put("a", "1");
        entries.put("c", "3");
        Path file = build("order", entries);
        try (LmdbDict dict = open(file, Set.of())) {
            List<String> seen = new ArrayList<>();
            dict.forEach((k, v) -> seen.add(k + "=" + v));
            assertThat(seen).containsExactly("a=1", "b=2", "c=3");
        }
    }

    @Test
    void openShouldNameMissingFileLikePostfix() {
        Path file = dir.resolve("missing.lmdb");
        assertThatThrownBy(() -> open(file, Set.of()))
                .isInstanceOf(DictException.class)
                .hasMessage("open database " + file + ": No such file or directory");
    }

    @Test
    void factoryShouldResolveRelativeNameAgainstConfigDirectoryAndAddSuffix() throws Exception {
        Path file = LmdbDictFactory.dataFile("aliases", new TestContext(dir));
        assertThat(file).isEqualTo(dir.resolve("aliases.lmdb"));
        assertThat(LmdbDictFactory.dataFile("/etc/aliases", new TestContext(dir))).isEqualTo(Path.of("/etc/aliases.lmdb"));
    }

    @Test
    void factoryShouldBuildAndOpenThroughTheApi() throws Exception {
        LmdbDictFactory factory = new LmdbDictFactory();
        String name = dir.resolve("api").toString();
        try (DictWriter writer = factory.create(name, EnumSet.noneOf(DictFlag.class), new TestContext(dir))) {
            writer.put("k", "v");
            writer.commit();
        }
        try (var dict = factory.open(name, Set.of(), new TestContext(dir))) {
            assertThat(dict.spec()).isEqualTo("lmdb:" + name);
            assertThat(dict.lookup("k")).isEqualTo(LookupResult.found("v"));
        }
    }

    /** The table of generation {@code g}: every key has a value naming its key and the generation. */
    private static Map<String, String> generation(int keys, int g) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < keys; i++) {
            entries.put("k" + i, "v" + i + "-g" + g);
        }
        return entries;
    }

    /**
     * Readers on four threads while postmap-style rebuilds (each with new values) are renamed
     * over the file: every answer is its own key's value, of a generation no older than the
     * one published before the lookup began (a stale handle would keep answering generation
     * 0), and never going back on one thread.
     */
    @Test
    void lookupsShouldAgreeAcrossThreadsWhileTableIsRebuilt() throws Exception {
        int keys = 1000;
        int generations = 3;
        Path file = build("mt", generation(keys, 0));
        AtomicInteger published = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (LmdbDict dict = open(file, Set.of())) {
            List<Future<List<String>>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    int seen = 0;
                    for (int i = 0; !stop.get() && wrong.size() < 10; i++) {
                        int k = i % keys;
                        int floor = published.get();
                        LookupResult r = dict.lookup("k" + k);
                        String prefix = "v" + k + "-g";
                        if (!(r instanceof LookupResult.Found found) || !found.value().startsWith(prefix)) {
                            wrong.add("k" + k + ": " + r);
                            continue;
                        }
                        int g = Integer.parseInt(found.value().substring(prefix.length()));
                        if (g < floor || g < seen) {
                            wrong.add("k" + k + ": generation " + g + " after " + Math.max(floor, seen));
                        }
                        seen = Math.max(seen, g);
                    }
                    return wrong;
                }));
            }
            for (int g = 1; g <= generations; g++) {
                build("mt", generation(keys, g));
                clock.addAndGet(LmdbDict.RECHECK_NANOS);
                LookupResult answer = dict.lookup("k7");
                for (int i = 0; i < 1000 && !answer.equals(LookupResult.found("v7-g" + g)); i++) {
                    answer = dict.lookup("k7");   // a reader may be the one opening the new file
                }
                assertThat(answer).isEqualTo(LookupResult.found("v7-g" + g));
                published.set(g);
            }
            stop.set(true);
            for (Future<List<String>> f : readers) {
                assertThat(f.get()).isEmpty();
            }
            for (int k = 0; k < keys; k++) {
                assertThat(dict.lookup("k" + k)).isEqualTo(LookupResult.found("v" + k + "-g" + generations));
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    /** The minimal DictContext a factory needs here. */
    record TestContext(Path configDirectory) implements org.postern.api.dict.DictContext {
        @Override
        public org.postern.api.dict.DictRegistry registry() {
            return null;
        }

        @Override
        public void warn(String message) {
        }
    }
}
