// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.bson.Document;
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
import org.postern.testing.TcpProxy;
import org.postern.testing.TestDictContext;
import org.postern.testing.TimeoutBounds;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** Against mongo-java-server: a real wire-protocol server on 127.0.0.1 with an in-memory backend. */
class MongodbDictTest {

    private static MongoServer server;
    private static String uri;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        uri = "mongodb://127.0.0.1:" + address.getPort();
        try (MongoClient client = MongoClients.create(uri)) {
            client.getDatabase("mail").getCollection("mailbox").insertMany(List.of(
                    new Document("username", "alice@example.com").append("maildir", "example.com/alice/")
                            .append("active", 1).append("alias", List.of("al@example.com", "ali@example.com"))
                            .append("quota", 1024L).append("home", new Document("dir", "/home/alice")),
                    new Document("username", "bob@example.com").append("maildir", "example.com/bob/")
                            .append("active", 1).append("alias", List.of("team@example.com")),
                    new Document("username", "carol@example.com").append("maildir", "example.com/carol/")
                            .append("active", 1).append("alias", List.of("team@example.com")),
                    new Document("username", "quote\"back\\slash@example.com").append("maildir", "odd/")
                            .append("active", 1),
                    new Document("username", "dave@other.example").append("maildir", "other/dave/")
                            .append("active", 0)));
        }
    }

    @AfterAll
    static void stopServer() {
        server.shutdownNow();
    }

    private Dict open(String... lines) throws IOException, DictException {
        return openAt(uri, lines);
    }

    private Dict openAt(String serverUri, String... lines) throws IOException, DictException {
        Path cf = dir.resolve("mongodb.cf");
        String header = "uri = " + serverUri + "\ndbname = mail\ncollection = mailbox\n";
        Files.writeString(cf, header + String.join("\n", lines) + "\n");
        return new MongodbDictFactory().open(cf.toString(), Set.of(DictFlag.FOLD_CASE), new TestDictContext(dir));
    }

    @Test
    void lookupShouldReturnAttributeWhenDocumentMatches() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%s\", \"active\": 1}", "result_attribute = maildir")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("example.com/alice/"));
            assertThat(dict.lookup("Alice@Example.COM")).isEqualTo(LookupResult.found("example.com/alice/"));
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("dave@other.example")).isEqualTo(LookupResult.notFound());
        }
    }

    // mongodb_table(5) example: {"$or": [{"username":"%s"}, {"alias.address": "%s"}], "active":1}.
    @Test
    void lookupShouldJoinValuesOfEveryMatchingDocument() throws Exception {
        try (Dict dict = open("query_filter = {\"$or\": [{\"username\": \"%s\"}, {\"alias\": \"%s\"}], \"active\": 1}",
                "result_attribute = username")) {
            assertThat(dict.lookup("team@example.com")).isEqualTo(LookupResult.found("bob@example.com,carol@example.com"));
            assertThat(dict.lookup("ali@example.com")).isEqualTo(LookupResult.found("alice@example.com"));
        }
    }

    @Test
    void lookupShouldReturnEachArrayElementAndEverySelectedAttribute() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%s\"}", "result_attribute = alias, quota")) {
            assertThat(dict.lookup("alice@example.com"))
                    .isEqualTo(LookupResult.found("al@example.com,ali@example.com,1024"));
        }
    }

    @Test
    void projectionShouldSelectFieldsIncludingEmbeddedOnes() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%s\"}", "projection = {\"home.dir\": 1, \"maildir\": 1}")) {
            // Field order is the server's (MongoDB: document order; mongo-java-server: projection order).
            assertThat(dict.lookup("alice@example.com").foundValue().orElseThrow().split(","))
                    .containsExactlyInAnyOrder("example.com/alice/", "/home/alice");
        }
    }

    @Test
    void resultFormatAndExpansionsShouldFollowPostfix() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%u@%d\"}", "result_attribute = maildir",
                "result_format = /var/mail/%s (%U at %D)")) {
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.found("/var/mail/example.com/bob/ (bob at example.com)"));
            assertThat(dict.lookup("bob")).as("%d without a domain: no query").isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void domainShouldSkipKeysOutsideTheListedDomains() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%s\"}", "result_attribute = maildir", "domain = example.com")) {
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.found("example.com/bob/"));
            assertThat(dict.lookup("dave@other.example")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void expansionLimitShouldMakeTooManyValuesATemporaryFailure() throws Exception {
        try (Dict dict = open("query_filter = {\"alias\": \"%s\"}", "result_attribute = username", "expansion_limit = 1")) {
            assertThat(dict.lookup("team@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(dict.lookup("ali@example.com")).isEqualTo(LookupResult.found("alice@example.com"));
        }
    }

    // Each of these would match other documents if it could change the filter's structure.
    @ParameterizedTest
    @ValueSource(strings = {
        "\"}, {\"$where\": \"1\"",
        "{\"$ne\": null}",
        "\", \"active\": {\"$ne\": 7}, \"x\": \"",
        "\\",
        "\\\"",
        "\u0000",
        "%s",
    })
    void maliciousKeyShouldBeAStringAndMatchNothing(String key) throws Exception {
        try (Dict dict = open("query_filter = {\"$or\": [{\"username\": \"%s\"}, {\"alias\": \"%s\"}]}",
                "result_attribute = username")) {
            assertThat(dict.lookup(key)).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void quotesAndBackslashesInAKeyShouldMatchLiterally() throws Exception {
        try (Dict dict = open("query_filter = {\"username\": \"%s\"}", "result_attribute = maildir")) {
            assertThat(dict.lookup("quote\"back\\slash@example.com")).isEqualTo(LookupResult.found("odd/"));
        }
    }

    @Test
    void openShouldRefuseAnExpansionOutsideAJsonString() {
        assertThatThrownBy(() -> open("query_filter = {\"username\": %s}", "result_attribute = maildir"))
                .isInstanceOf(DictException.class)
                .hasMessageContaining("line 4: query_filter: expansion \"%s\" outside a JSON string");
    }

    @Test
    void openShouldRequireExactlyOneOfProjectionAndResultAttribute() {
        assertThatThrownBy(() -> open("query_filter = {\"username\": \"%s\"}"))
                .hasMessageContaining("specify exactly one of projection or result_attribute");
        assertThatThrownBy(() -> open("query_filter = {\"username\": \"%s\"}", "result_attribute = a", "projection = {\"a\": 1}"))
                .hasMessageContaining("projection: specify exactly one");
    }

    @Test
    void openShouldNameFileLineAndParameterOfABadValue() {
        assertThatThrownBy(() -> open("query_filter = {\"username\": \"%s\"", "result_attribute = maildir"))
                .hasMessageContaining("mongodb.cf, line 4: query_filter: not a JSON document");
        assertThatThrownBy(() -> openAt("http://x", "query_filter = {}", "result_attribute = a"))
                .hasMessageContaining("line 1: uri: bad connection string");
    }

    @Test
    void openShouldWarnAboutUnknownParameters() throws Exception {
        Path cf = dir.resolve("typo.cf");
        Files.writeString(cf, "uri = " + uri + "\ndbname = mail\ncollection = mailbox\nquery_filter = {}\n"
                + "result_attribute = a\nresult_atribute = b\n");
        TestDictContext context = new TestDictContext(dir);
        new MongodbDictFactory().open("typo.cf", Set.of(), context).close();
        assertThat(context.warnings()).containsExactly(cf + ": unknown parameter result_atribute ignored");
    }

    @Test
    void lookupShouldFailTemporarilyWhileTheServerIsCutAndRecoverAfterwards() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", server.getLocalAddress().getPort());
             Dict dict = openAt("mongodb://127.0.0.1:" + proxy.port(),
                     "query_filter = {\"username\": \"%s\"}", "result_attribute = maildir", "timeout = 2")) {
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.found("example.com/bob/"));

            proxy.cut();
            long start = System.nanoTime();
            assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            // server selection and the query, each at most the timeout
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(Duration.ofSeconds(2), 2));

            proxy.restore();
            assertThat(eventually(dict, "bob@example.com")).isEqualTo(LookupResult.found("example.com/bob/"));
        }
    }

    @Test
    void lookupShouldTimeOutWhenTheServerHangs() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", server.getLocalAddress().getPort());
             Dict dict = openAt("mongodb://127.0.0.1:" + proxy.port(),
                     "query_filter = {\"username\": \"%s\"}", "result_attribute = maildir", "timeout = 1")) {
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.found("example.com/bob/"));
            proxy.blackhole();
            long start = System.nanoTime();
            assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(Duration.ofSeconds(1), 2));
            proxy.restore();
            assertThat(eventually(dict, "bob@example.com")).isEqualTo(LookupResult.found("example.com/bob/"));
        }
    }

    /** The first answer that is not a failure, within 15 s (the driver reconnects in the background). */
    static LookupResult eventually(Dict dict, String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        LookupResult result = dict.lookup(key);
        while (result.isFailure() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            result = dict.lookup(key);
        }
        return result;
    }
}
