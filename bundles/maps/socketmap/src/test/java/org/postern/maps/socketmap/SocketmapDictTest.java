// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.maps.socketmap.ScriptedSocketmapServer.reply;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.TestDictContext;
import org.postern.testing.TimeoutBounds;

class SocketmapDictTest {

    private static final SocketmapLimits FAST = new SocketmapLimits(Duration.ofSeconds(1), 100_000,
            Duration.ofSeconds(10), Duration.ofSeconds(100));

    /** The table of the virtual map; other requests get the raw reply named by the key after "raw:". */
    private static final Map<String, String> VIRTUAL = Map.of(
            "virtual alice@example.com", "OK alice@mail.example.com",
            "virtual a b,c:d@example.com", "OK spaces, commas: colons",
            "virtual empty@example.com", "OK ",
            "virtual temp@example.com", "TEMP database is down",
            "virtual timeout@example.com", "TIMEOUT backend slow",
            "virtual perm@example.com", "PERM no such map",
            "virtual weird@example.com", "MAYBE later",
            "virtual bare-perm@example.com", "PERM");

    private static byte[] answer(String request) {
        if (request.startsWith("virtual raw:")) {
            return request.substring("virtual raw:".length()).getBytes(StandardCharsets.ISO_8859_1);
        }
        if (request.equals("virtual hang@example.com")) {
            return null;
        }
        if (request.equals("virtual big@example.com")) {
            return reply("OK " + "x".repeat(100_001));
        }
        return reply(VIRTUAL.getOrDefault(request, "NOTFOUND "));
    }

    private ScriptedSocketmapServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Dict open(String name) throws DictException {
        return SocketmapDictFactory.open(name, Set.of(DictFlag.FOLD_CASE), FAST);
    }

    private Dict inet() throws Exception {
        server = ScriptedSocketmapServer.inet(SocketmapDictTest::answer);
        return open("inet:127.0.0.1:" + server.port() + ":virtual");
    }

    @Test
    void lookupShouldAnswerOkAndNotFoundLikeTheServer() throws Exception {
        try (Dict dict = inet()) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("Alice@Example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("empty@example.com")).isEqualTo(LookupResult.found(""));
            assertThat(server.requests()).startsWith("virtual alice@example.com", "virtual alice@example.com");
        }
    }

    @Test
    void keyWithSpacesCommasAndColonsShouldTravelUnchanged() throws Exception {
        try (Dict dict = inet()) {
            assertThat(dict.lookup("a b,c:d@example.com")).isEqualTo(LookupResult.found("spaces, commas: colons"));
            assertThat(dict.lookup("nul\u0000key")).isEqualTo(LookupResult.notFound());
            assertThat(server.requests()).containsExactly("virtual a b,c:d@example.com", "virtual nul\u0000key");
        }
    }

    @Test
    void unixDomainSocketShouldWork(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("maps.sock");
        server = ScriptedSocketmapServer.unix(socket, SocketmapDictTest::answer);
        try (Dict dict = open("unix:" + socket + ":virtual")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("nobody")).isEqualTo(LookupResult.notFound());
        }
    }

    // dict_sockmap.c: TEMP and TIMEOUT are DICT_ERR_RETRY, PERM is DICT_ERR_CONFIG, anything else RETRY.
    @ParameterizedTest
    @CsvSource({
        "temp@example.com, TemporaryFailure, 'socketmap server temporary error: database is down'",
        "timeout@example.com, TemporaryFailure, 'socketmap server timeout error: backend slow'",
        "perm@example.com, ConfigurationError, 'socketmap server permanent error: no such map'",
        "bare-perm@example.com, ConfigurationError, 'socketmap server permanent error'",
        "weird@example.com, TemporaryFailure, 'socketmap server unknown error: later'",
    })
    void failureRepliesShouldMapLikePostfix(String key, String outcome, String reason) throws Exception {
        try (Dict dict = inet()) {
            LookupResult result = dict.lookup(key);
            assertThat(result.getClass().getSimpleName()).isEqualTo(outcome);
            assertThat(result.toString()).endsWith(":virtual: " + reason + "]").contains("socketmap:inet:127.0.0.1:");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "5:OK,", "03:OK ,", "2:OKx", "99999999999:", "big@example.com"})
    void malformedRepliesShouldBeTemporaryFailuresAndTheNextLookupShouldWork(String reply) throws Exception {
        try (Dict dict = inet()) {
            String key = reply.endsWith("@example.com") ? reply : "raw:" + reply;
            assertThat(dict.lookup(key)).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void connectionShouldBeReused() throws Exception {
        try (Dict dict = inet()) {
            for (int i = 0; i < 5; i++) {
                assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void lookupShouldFailTemporarilyWhileTheServerIsDownAndRecoverWhenItIsBack() throws Exception {
        try (Dict dict = inet()) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            server.stop();
            assertThat(dict.lookup("alice@example.com")).as("connections %d", server.connections()).isInstanceOf(LookupResult.TemporaryFailure.class);
            server.start();
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void serverRestartBetweenLookupsShouldGoUnnoticed() throws Exception {
        try (Dict dict = inet()) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            server.stop();
            server.start();
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void serverThatNeverAnswersShouldBeATemporaryFailureWithinTheTimeout() throws Exception {
        try (Dict dict = inet()) {
            long start = System.nanoTime();
            assertThat(dict.lookup("hang@example.com")).isEqualTo(LookupResult.temporaryFailure(
                    "socketmap:inet:127.0.0.1:" + server.port() + ":virtual: lookup error: timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(FAST.timeout(), 1));
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void tableShouldReportPatternSoThatCallersSkipPartialKeys() throws Exception {
        try (Dict dict = inet()) {
            assertThat(dict.flags()).contains(DictFlag.PATTERN, DictFlag.FOLD_CASE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "virtual", "inet:127.0.0.1:virtual", "inet:host:99999:virtual", "tcp:host:25:virtual",
        "inet:127.0.0.1:9999:", "unix::virtual"})
    void openShouldRefuseBadNames(String name) {
        assertThatThrownBy(() -> new SocketmapDictFactory().open(name, Set.of(), new TestDictContext(null)))
                .isInstanceOf(DictException.class).hasMessageStartingWith("socketmap:");
    }

    @Test
    void ipv6EndpointInBracketsShouldParse() {
        assertThat(SocketmapEndpoint.parse("inet:[::1]:9999")).isEqualTo(new SocketmapEndpoint("::1", 9999, null));
        assertThat(SocketmapEndpoint.parse("inet:[::1]:9999").toString()).isEqualTo("inet:[::1]:9999");
    }
}
