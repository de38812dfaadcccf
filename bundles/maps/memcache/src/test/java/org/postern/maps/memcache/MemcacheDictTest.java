// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.TestDictContext;
import org.postern.testing.TimeoutBounds;

class MemcacheDictTest {

    private static PrivateMemcached memcached;

    @TempDir
    Path dir;

    private final InMemoryDict backup = new InMemoryDict();
    private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @BeforeAll
    static void startMemcached() throws Exception {
        memcached = new PrivateMemcached();
    }

    @AfterAll
    static void stopMemcached() throws Exception {
        if (memcached != null) {
            memcached.close();
        }
    }

    private Dict open(String... lines) throws Exception {
        Path cf = dir.resolve("memcache.cf");
        Files.writeString(cf, "memcache = inet:127.0.0.1:" + memcached.port() + "\nkey_format = " + prefix + "%s\n"
                + String.join("\n", lines) + "\n");
        TestDictContext context = new TestDictContext(dir, (spec, flags) -> backup);
        return new MemcacheDictFactory().open(cf.toString(), Set.of(DictFlag.FOLD_CASE), context);
    }

    @Test
    void missShouldAskTheBackupAndCacheItsAnswer() throws Exception {
        backup.entries.put("user@example.com", "OK");
        try (Dict dict = open("backup = memory:backup")) {
            assertThat(dict.lookup("User@Example.com")).isEqualTo(LookupResult.found("OK"));
            backup.entries.put("user@example.com", "changed");
            assertThat(dict.lookup("user@example.com")).as("cached").isEqualTo(LookupResult.found("OK"));
            assertThat(backup.lookups).hasValue(1);
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void withoutBackupOnlyMemcacheAnswers() throws Exception {
        try (Dict dict = open()) {
            assertThat(dict.lookup("key")).isEqualTo(LookupResult.notFound());
            dict.update("key", "value with spaces, commas");
            assertThat(dict.lookup("key")).isEqualTo(LookupResult.found("value with spaces, commas"));
            assertThat(dict.delete("key")).isTrue();
            assertThat(dict.lookup("key")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void updateShouldWriteBackupAndMemcache() throws Exception {
        try (Dict dict = open("backup = memory:backup", "ttl = 60", "flags = 7")) {
            dict.update("a@example.com", "1");
            assertThat(backup.entries).containsEntry("a@example.com", "1");
            assertThat(dict.lookup("a@example.com")).isEqualTo(LookupResult.found("1"));
            assertThat(backup.lookups).hasValue(0);
            assertThat(dict.delete("a@example.com")).isTrue();
            assertThat(backup.entries).doesNotContainKey("a@example.com");
        }
    }

    // Postfix wishlist: a key memcache cannot carry is a cache miss that the backup answers, not an error.
    @ParameterizedTest
    @ValueSource(strings = {"with space", "tab\there", "cr\r\nset x 0 0 1", "nul\u0000", "del\u007f"})
    void keyMemcacheCannotTakeShouldGoToTheBackup(String key) throws Exception {
        backup.entries.put(key, "from backup");
        try (Dict dict = open("backup = memory:backup")) {
            assertThat(dict.lookup(key)).isEqualTo(LookupResult.found("from backup"));
            assertThat(dict.lookup(key)).isEqualTo(LookupResult.found("from backup"));
            assertThat(backup.lookups).as("never cached").hasValue(2);
        }
    }

    @Test
    void overlongKeyShouldGoToTheBackup() throws Exception {
        String key = "x".repeat(300) + "@example.com";
        backup.entries.put(key, "long");
        try (Dict dict = open("backup = memory:backup")) {
            assertThat(dict.lookup(key)).isEqualTo(LookupResult.found("long"));
        }
        assertThat(MemcacheDict.storable("x".repeat(250))).isTrue();
        assertThat(MemcacheDict.storable("x".repeat(251))).isFalse();
        assertThat(MemcacheDict.storable("é".repeat(126))).as("252 bytes").isFalse();
    }

    @Test
    void keyFormatAndDomainShouldFollowPostfix() throws Exception {
        backup.entries.put("user@example.com", "OK");
        try (Dict dict = open("backup = memory:backup", "domain = example.com")) {
            assertThat(dict.lookup("user@example.com")).isEqualTo(LookupResult.found("OK"));
            assertThat(dict.lookup("user@other.example")).isEqualTo(LookupResult.notFound());
            assertThat(backup.lookups).hasValue(1);
        }
        Path cf = dir.resolve("d.cf");
        Files.writeString(cf, "memcache = inet:127.0.0.1:" + memcached.port() + "\nkey_format = " + prefix + "%d\n");
        try (Dict dict = new MemcacheDictFactory().open(cf.toString(), Set.of(), new TestDictContext(dir))) {
            dict.update("x@example.org", "domain value");
            assertThat(dict.lookup("y@example.org")).isEqualTo(LookupResult.found("domain value"));
            assertThat(dict.lookup("example.org")).as("%d without @: no query").isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void dataSizeLimitShouldRefuseLongValues() throws Exception {
        try (Dict dict = open("data_size_limit = 10")) {
            dict.update("big", "0123456789abc");
            assertThat(dict.lookup("big")).isInstanceOf(LookupResult.TemporaryFailure.class);
        }
    }

    @Test
    void deadMemcacheShouldLeaveTheBackupAnsweringOrFailTemporarilyAndRecover() throws Exception {
        backup.entries.put("user@example.com", "OK");
        try (Dict withBackup = open("backup = memory:backup", "timeout = 1", "max_try = 1");
             Dict alone = openAlone()) {
            alone.update("k", "v");
            assertThat(alone.lookup("k")).isEqualTo(LookupResult.found("v"));
            memcached.kill();
            long start = System.nanoTime();
            assertThat(withBackup.lookup("user@example.com")).isEqualTo(LookupResult.found("OK"));
            assertThat(alone.lookup("k")).isInstanceOf(LookupResult.TemporaryFailure.class);
            // two lookups, max_try = 1: each at most one timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(Duration.ofSeconds(1), 2));
            memcached.start();
            assertThat(eventually(alone, "k")).isEqualTo(LookupResult.found("v2"));
        }
    }

    private Dict openAlone() throws Exception {
        Path cf = dir.resolve("alone.cf");
        Files.writeString(cf, "memcache = inet:127.0.0.1:" + memcached.port() + "\nkey_format = " + prefix + "%s\n"
                + "timeout = 1\nmax_try = 1\n");
        return new MemcacheDictFactory().open(cf.toString(), Set.of(), new TestDictContext(dir));
    }

    private static LookupResult eventually(Dict dict, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        LookupResult result = dict.lookup(key);
        while (!(result instanceof LookupResult.Found) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            try {
                dict.update(key, "v2");
            } catch (DictException e) {
                // not reconnected yet
            }
            result = dict.lookup(key);
        }
        return result;
    }

    @Test
    void openShouldWarnAboutUnknownParametersAndRefuseUnixSockets() throws Exception {
        Path cf = dir.resolve("typo.cf");
        Files.writeString(cf, "memcache = inet:127.0.0.1:" + memcached.port() + "\nttl = 5\nbackpu = x:y\n");
        TestDictContext context = new TestDictContext(dir);
        new MemcacheDictFactory().open("typo.cf", Set.of(), context).close();
        assertThat(context.warnings()).containsExactly(cf + ": unknown parameter backpu ignored");
        Files.writeString(cf, "memcache = unix:/run/memcached.sock\n");
        assertThatThrownBy(() -> new MemcacheDictFactory().open("typo.cf", Set.of(), context))
                .hasMessageContaining("typo.cf, line 1: memcache: UNIX-domain memcache servers are not supported");
        Files.writeString(cf, "ttl = forever\n");
        assertThatThrownBy(() -> new MemcacheDictFactory().open("typo.cf", Set.of(), context))
                .hasMessageContaining("typo.cf, line 1: ttl: bad numerical value");
    }
}
