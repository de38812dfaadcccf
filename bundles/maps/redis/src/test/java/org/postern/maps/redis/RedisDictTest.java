// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.RequiredService;
import org.postern.testing.TcpProxy;
import org.postern.testing.TestDictContext;
import org.postern.testing.TimeoutBounds;

import redis.clients.jedis.Jedis;

/** Against the Redis on 127.0.0.1:6379, database 15, keys under a prefix unique to each test. */
class RedisDictTest {

    private static final int PORT = 6379;
    private static final int DATABASE = 15;

    @TempDir
    Path dir;

    private Jedis redis;
    private String prefix;

    @BeforeEach
    void connect() {
        RequiredService.assumeListening(PORT, "Redis (apt install redis-server)");
        redis = new Jedis("127.0.0.1", PORT);
        redis.select(DATABASE);
        prefix = "postern-test-" + UUID.randomUUID() + ":";
        redis.set(prefix + "alias:postmaster@example.com", "root@example.com");
        redis.set(prefix + "alias:a*", "star@example.com");
        redis.set(prefix + "alias:abc", "abc@example.com");
        redis.set(prefix + "alias:victim", "still here");
        redis.sadd(prefix + "alias:team@example.com", "carol@example.com", "bob@example.com", "alice@example.com");
        redis.rpush(prefix + "alias:list@example.com", "zed@example.com", "amy@example.com");
        redis.zadd(prefix + "alias:ranked@example.com", 2, "second@example.com");
        redis.zadd(prefix + "alias:ranked@example.com", 1, "first@example.com");
        redis.hset(prefix + "alias:hash@example.com", "f", "v");
        redis.set(prefix + "domain:example.com", "OK");
        redis.set(prefix + "alias:quote\"back\\slash", "odd");
    }

    @AfterEach
    void cleanUp() {
        if (redis != null) {
            var keys = redis.keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.del(keys.toArray(String[]::new));
            }
            redis.close();
        }
    }

    private Dict open(String... lines) throws IOException, DictException {
        return openAt(PORT, lines);
    }

    private Dict openAt(int port, String... lines) throws IOException, DictException {
        Path cf = dir.resolve("redis.cf");
        Files.writeString(cf, "host = 127.0.0.1\nport = " + port + "\ndatabase = " + DATABASE + "\n"
                + String.join("\n", lines) + "\n");
        return new RedisDictFactory().open(cf.toString(), Set.of(DictFlag.FOLD_CASE), new TestDictContext(dir));
    }

    @Test
    void stringValueShouldBeTheAnswer() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "alias:%s")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
            assertThat(dict.lookup("PostMaster@Example.com")).isEqualTo(LookupResult.found("root@example.com"));
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void setsListsAndSortedSetsShouldBeMultiValued() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "alias:%s")) {
            assertThat(dict.lookup("team@example.com"))
                    .isEqualTo(LookupResult.found("alice@example.com,bob@example.com,carol@example.com"));
            assertThat(dict.lookup("list@example.com")).isEqualTo(LookupResult.found("zed@example.com,amy@example.com"));
            assertThat(dict.lookup("ranked@example.com")).isEqualTo(LookupResult.found("first@example.com,second@example.com"));
        }
    }

    @Test
    void hashValueShouldBeAConfigurationError() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "alias:%s")) {
            assertThat(dict.lookup("hash@example.com")).isInstanceOf(LookupResult.ConfigurationError.class);
        }
    }

    @Test
    void keyFormatExpansionsShouldFollowPostfix() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "domain:%d")) {
            assertThat(dict.lookup("anyone@example.com")).isEqualTo(LookupResult.found("OK"));
            assertThat(dict.lookup("example.com")).as("no domain part: no query").isEqualTo(LookupResult.notFound());
        }
        try (Dict dict = open("key_format = " + prefix + "domain:%2.%1")) {
            assertThat(dict.lookup("user@mail.example.com")).isEqualTo(LookupResult.found("OK"));
        }
    }

    @Test
    void resultFormatDomainAndExpansionLimitShouldApply() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "alias:%s", "result_format = smtp:[%d] for %U",
                "domain = example.com", "expansion_limit = 2")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("smtp:[example.com] for postmaster"));
            assertThat(dict.lookup("list@example.com"))
                    .isEqualTo(LookupResult.found("smtp:[example.com] for list,smtp:[example.com] for list"));
            assertThat(dict.lookup("team@example.com")).as("3 values, limit 2").isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(dict.lookup("a*")).as("not user@domain: skipped by domain").isEqualTo(LookupResult.notFound());
        }
    }

    // RESP bulk strings carry any byte: none of these may run a command or match another key.
    @ParameterizedTest
    @ValueSource(strings = {"a?c", "*", "victim\r\nDEL victim\r\n", "x\r\n*1\r\n$8\r\nFLUSHALL\r\n", "victim\u0000", "%s"})
    void maliciousKeyShouldMatchOnlyItself(String key) throws Exception {
        try (Dict dict = open("key_format = " + prefix + "alias:%s")) {
            assertThat(dict.lookup(key)).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("a*")).isEqualTo(LookupResult.found("star@example.com"));
            assertThat(dict.lookup("quote\"back\\slash")).isEqualTo(LookupResult.found("odd"));
            assertThat(redis.get(prefix + "alias:victim")).isEqualTo("still here");
        }
    }

    @Test
    void updateAndDeleteShouldWriteStringValues() throws Exception {
        try (Dict dict = open("key_format = " + prefix + "cache:%s", "ttl = 100")) {
            assertThat(dict.capabilities()).contains(DictCapability.UPDATE, DictCapability.DELETE);
            dict.update("New@Example.com", "value 1");
            assertThat(dict.lookup("new@example.com")).isEqualTo(LookupResult.found("value 1"));
            assertThat(redis.ttl(prefix + "cache:new@example.com")).isBetween(1L, 100L);
            dict.update("new@example.com", "value 2");
            assertThat(dict.lookup("new@example.com")).isEqualTo(LookupResult.found("value 2"));
            assertThat(dict.delete("new@example.com")).isTrue();
            assertThat(dict.delete("new@example.com")).isFalse();
            assertThat(dict.lookup("new@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void uriShouldSelectServerAndDatabase() throws Exception {
        Path cf = dir.resolve("uri.cf");
        Files.writeString(cf, "uri = redis://127.0.0.1:" + PORT + "/" + DATABASE + "\nkey_format = " + prefix + "alias:%s\n");
        try (Dict dict = new RedisDictFactory().open(cf.toString(), Set.of(), new TestDictContext(dir))) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
        }
    }

    @Test
    void openShouldNameFileLineAndParameterOfABadValue() {
        assertThatThrownBy(() -> open("key_format = %x")).hasMessageContaining("redis.cf, line 4: key_format: invalid expansion");
        assertThatThrownBy(() -> open("uri = redis://127.0.0.1:6379/1")).hasMessageContaining("line 1: host: set either uri or host");
        assertThatThrownBy(() -> open("timeout = soon")).hasMessageContaining("line 4: timeout: bad numerical value");
    }

    @Test
    void openShouldWarnAboutUnknownParameters() throws Exception {
        Path cf = dir.resolve("typo.cf");
        Files.writeString(cf, "host = 127.0.0.1\nkey_fromat = x:%s\n");
        TestDictContext context = new TestDictContext(dir);
        new RedisDictFactory().open("typo.cf", Set.of(), context).close();
        assertThat(context.warnings()).containsExactly(cf + ": unknown parameter key_fromat ignored");
    }

    @Test
    void lookupShouldFailTemporarilyWhileTheServerIsCutAndRecoverAfterwards() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", PORT);
             Dict dict = openAt(proxy.port(), "key_format = " + prefix + "alias:%s", "timeout = 2")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
            proxy.cut();
            long start = System.nanoTime();
            assertThat(dict.lookup("postmaster@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThatThrownBy(() -> dict.update("x", "y")).isInstanceOfSatisfying(DictException.class,
                    e -> assertThat(e.isTemporary()).isTrue());
            // two operations, each at most one timeout (a cut connection is refused at once)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(Duration.ofSeconds(2), 2));
            proxy.restore();
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
        }
    }

    @Test
    void lookupShouldTimeOutWhenTheServerHangs() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", PORT);
             Dict dict = openAt(proxy.port(), "key_format = " + prefix + "alias:%s", "timeout = 1")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
            proxy.blackhole();
            long start = System.nanoTime();
            assertThat(dict.lookup("postmaster@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            // the command's timeout, and a fresh connection's (still below Postern's default timeout of 10 s)
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(Duration.ofSeconds(1), 2));
            proxy.restore();
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root@example.com"));
        }
    }
}
