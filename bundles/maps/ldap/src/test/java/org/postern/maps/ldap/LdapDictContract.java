// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
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

/**
 * ldap_table(5) semantics against a real directory holding directory.ldif. Subclasses say
 * which server (UnboundID's in-memory server, a private slapd) listens on {@link #port()}.
 */
abstract class LdapDictContract {

    @TempDir
    Path configDirectory;

    private final List<Dict> opened = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();

    /** The port of the directory under test on 127.0.0.1. */
    abstract int port();

    /** Opens a table whose .cf has the common settings followed by {@code lines} (later lines win). */
    Dict open(String... lines) throws DictException, IOException {
        return openOn(port(), Set.of(DictFlag.FOLD_CASE), lines);
    }

    Dict openOn(int port, Set<DictFlag> flags, String... lines) throws DictException, IOException {
        Path cf = Files.createTempFile(configDirectory, "ldap-", ".cf");
        Files.writeString(cf, "server_host = ldap://127.0.0.1:" + port + "/\n"
                + "search_base = " + LdapTestDirectory.SUFFIX + "\n"
                + "timeout = 2\n"
                + String.join("\n", lines) + "\n");
        Dict dict = new LdapDictFactory().open(cf.getFileName().toString(), flags, new TestDictContext(configDirectory));
        opened.add(dict);
        return dict;
    }

    TcpProxy proxy() throws IOException {
        TcpProxy proxy = new TcpProxy("127.0.0.1", port());
        proxies.add(proxy);
        return proxy;
    }

    @AfterEach
    void closeTables() throws IOException {
        opened.forEach(Dict::close);
        for (TcpProxy proxy : proxies) {
            proxy.close();
        }
    }

    static List<String> values(LookupResult result) {
        assertThat(result).isInstanceOf(LookupResult.Found.class);
        return Arrays.asList(((LookupResult.Found) result).value().split(","));
    }

    // --- found, not found, multiple values (query_filter and result_attribute defaults) ---

    @Test
    void lookupShouldReturnMaildropWhenAddressIsAcceptedByAnEntry() throws Exception {
        Dict dict = open();
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("alice.smith@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void lookupShouldBeNotFoundWhenNoEntryAcceptsTheAddress() throws Exception {
        assertThat(open().lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldJoinEveryValueWithCommasWhenAttributeHasSeveral() throws Exception {
        assertThat(values(open().lookup("bob@example.com")))
                .containsExactlyInAnyOrder("bob@mail.example.com", "bob@backup.example.com");
    }

    @Test
    void lookupShouldReturnEveryListedAttributeWhenResultAttributeIsAList() throws Exception {
        assertThat(values(open("result_attribute = maildrop, mail").lookup("alice@example.com")))
                .containsExactlyInAnyOrder("alice@mail.example.com", "alice@example.com");
    }

    @Test
    void lookupShouldFoldTheKeyWhenOpenedWithFoldCase() throws Exception {
        Dict dict = open("result_format = %s for %U");
        assertThat(dict.lookup("ALICE@Example.COM")).isEqualTo(LookupResult.found("alice@mail.example.com for alice"));
    }

    @Test
    void entryWithoutResultAttributeShouldBeNotFound() throws Exception {
        assertThat(open("result_attribute = telephoneNumber").lookup("alice@example.com")).isEqualTo(LookupResult.notFound());
    }

    // --- special, leaf and terminal result attributes ---

    @Test
    void groupShouldExpandToItsMembersWhenMemberIsASpecialResultAttribute() throws Exception {
        Dict dict = open("special_result_attribute = member");
        assertThat(values(dict.lookup("staff@example.com")))
                .containsExactlyInAnyOrder("alice@mail.example.com", "bob@mail.example.com", "bob@backup.example.com");
    }

    @Test
    void nestedGroupsShouldExpandRecursivelyAndDanglingMembersBeSkipped() throws Exception {
        Dict dict = open("special_result_attribute = member");
        assertThat(values(dict.lookup("all@example.com"))).containsExactlyInAnyOrder(
                "alice@mail.example.com", "bob@mail.example.com", "bob@backup.example.com", "carol@mail.example.com");
    }

    @Test
    void leafResultAttributeShouldComeFromMembersOnlyWhenEntryIsAGroup() throws Exception {
        Dict dict = open("special_result_attribute = member", "result_attribute = maildrop", "leaf_result_attribute = mail");
        assertThat(values(dict.lookup("staff@example.com"))).containsExactlyInAnyOrder(
                "alice@mail.example.com", "alice@example.com",
                "bob@mail.example.com", "bob@backup.example.com", "bob@example.com");
        assertThat(values(dict.lookup("carol@example.com")))
                .containsExactlyInAnyOrder("carol@mail.example.com", "carol@example.com");
    }

    @Test
    void terminalResultAttributeShouldReplaceEverythingElseWhenPresent() throws Exception {
        Dict dict = open("special_result_attribute = member", "terminal_result_attribute = listOwner");
        assertThat(dict.lookup("owned@example.com")).isEqualTo(LookupResult.found("list-owner@example.com"));
        assertThat(values(dict.lookup("staff@example.com"))).hasSize(3);
    }

    @Test
    void groupThatContainsItselfShouldFailTemporarilyAtTheRecursionLimit() throws Exception {
        Dict dict = open("special_result_attribute = member", "recursion_limit = 5");
        LookupResult result = dict.lookup("loop@example.com");
        assertThat(result).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(((LookupResult.TemporaryFailure) result).reason()).contains("recursion limit 5");
    }

    @Test
    void ldapUrlValuesShouldBeSearchedWhenInASpecialResultAttribute() throws Exception {
        Dict dict = open("special_result_attribute = memberReference");
        assertThat(values(dict.lookup("byurl@example.com"))).containsExactlyInAnyOrder(
                "carol@mail.example.com", "bob@mail.example.com", "bob@backup.example.com");
    }

    // --- %-expansions in search_base and query_filter ---

    @Test
    void localPartShouldNameTheEntryWhenSearchBaseUsesPercentU() throws Exception {
        Dict dict = open("search_base = uid=%u,ou=people,dc=example,dc=com", "scope = base", "query_filter = (objectClass=*)");
        assertThat(dict.lookup("carol@anything.example")).isEqualTo(LookupResult.found("carol@mail.example.com"));
        assertThat(dict.lookup("dave@example.com")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void domainShouldBeMatchedWhenQueryFilterUsesPercentD() throws Exception {
        Dict dict = open("query_filter = (&(uid=%u)(mail=*@%d))");
        assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.Found.class);
        assertThat(dict.lookup("bob@example.org")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("bob")).as("no domain, no query").isEqualTo(LookupResult.notFound());
    }

    @Test
    void topLevelDomainShouldBeMatchedWhenQueryFilterUsesPercentOne() throws Exception {
        Dict dict = open("query_filter = (&(uid=%u)(mail=*.%1))");
        assertThat(dict.lookup("carol@whatever.com")).isEqualTo(LookupResult.found("carol@mail.example.com"));
        assertThat(dict.lookup("carol@example.org")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void domainShouldBecomeTheBaseDnWhenSearchBaseUsesPercentL() throws Exception {
        Dict dict = open("search_base = ou=people,%l", "query_filter = (uid=%u)");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("alice@example.org")).as("no such base").isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("alice@exa,dc=mple.com")).as("DN-escaped label").isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("alice")).as("no domain, no query").isEqualTo(LookupResult.notFound());
    }

    // --- domain, result_format, limits, scope ---

    @Test
    void keysOutsideTheDomainListShouldBeNotFoundWithoutAQuery() throws Exception {
        Dict dict = open("domain = example.com", "query_filter = (|(mailacceptinggeneralid=%s)(uid=%s))");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("alice@example.org")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("alice")).as("bare user, found by uid without the domain list")
                .isEqualTo(LookupResult.notFound());
        assertThat(open("query_filter = (uid=%s)").lookup("alice")).isInstanceOf(LookupResult.Found.class);
    }

    @Test
    void resultFormatShouldApplyToEachValue() throws Exception {
        Dict dict = open("result_format = smtp:[%d]");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("smtp:[mail.example.com]"));
        assertThat(values(dict.lookup("bob@example.com")))
                .containsExactlyInAnyOrder("smtp:[mail.example.com]", "smtp:[backup.example.com]");
    }

    @Test
    void lookupShouldFailTemporarilyWhenValuesExceedTheExpansionLimit() throws Exception {
        Dict limited = open("expansion_limit = 1");
        assertThat(limited.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(limited.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(open("expansion_limit = 2").lookup("bob@example.com")).isInstanceOf(LookupResult.Found.class);
        assertThat(open("expansion_limit = 2", "special_result_attribute = member").lookup("all@example.com"))
                .as("members count too").isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void lookupShouldFailTemporarilyWhenEntriesExceedTheSizeLimit() throws Exception {
        String[] domainSearch = {"search_base = ou=people,dc=example,dc=com", "query_filter = (mail=*@%d)", "result_attribute = uid"};
        Dict limited = open(concat(domainSearch, "size_limit = 2"));
        LookupResult result = limited.lookup("anyone@example.com");
        assertThat(result).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(((LookupResult.TemporaryFailure) result).reason()).contains("size limit");
        assertThat(values(open(concat(domainSearch, "size_limit = 3")).lookup("anyone@example.com")))
                .containsExactlyInAnyOrder("alice", "bob", "carol");
    }

    @Test
    void scopeShouldDecideHowDeepTheSearchGoes() throws Exception {
        assertThat(open("scope = one").lookup("alice@example.com")).isEqualTo(LookupResult.notFound());
        assertThat(open("scope = sub").lookup("alice@example.com")).isInstanceOf(LookupResult.Found.class);
        assertThat(open("scope = one", "search_base = ou=people,dc=example,dc=com").lookup("alice@example.com"))
                .isInstanceOf(LookupResult.Found.class);
        assertThat(open("scope = base", "search_base = ou=people,dc=example,dc=com").lookup("alice@example.com"))
                .isEqualTo(LookupResult.notFound());
    }

    // --- bind ---

    @Test
    void lookupShouldWorkWhenBoundWithDnAndPassword() throws Exception {
        Dict dict = open("bind = yes", "bind_dn = uid=alice,ou=people,dc=example,dc=com", "bind_pw = alice-secret");
        assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.Found.class);
    }

    @Test
    void lookupShouldFailTemporarilyWhenThePasswordIsWrong() throws Exception {
        Dict dict = open("bind_dn = uid=alice,ou=people,dc=example,dc=com", "bind_pw = wrong-password");
        LookupResult result = dict.lookup("bob@example.com");
        assertThat(result).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(((LookupResult.TemporaryFailure) result).reason()).doesNotContain("wrong-password");
    }

    // --- hostile keys ---

    /** RFC 4515 section 3: "*", "(", ")", "\" and NUL are escaped in assertion values. */
    @ParameterizedTest
    @ValueSource(strings = {"*", "*@example.com", "alice@example.com*", ")(", "\\", "\\2a", "alice@example.com\u0000",
            "(|(uid=*))", "alice@example.com)(mailacceptinggeneralid=*", "*)(|(mailacceptinggeneralid=*",
            "%s", "bob@example.com)(|(objectClass=*)"})
    void hostileKeyShouldNotMatchOtherEntriesInAFilter(String key) throws Exception {
        assertThat(open().lookup(key)).isEqualTo(LookupResult.notFound());
        assertThat(open("query_filter = (&(objectClass=posternMailRecipient)(uid=%u))").lookup(key + "@example.com"))
                .isEqualTo(LookupResult.notFound());
    }

    /**
     * RFC 4514 section 2.4: "," "+" "\"" "\\" "<" ">" ";" and NUL are escaped in DN values.
     * (Leading and trailing spaces are escaped too, but uid's matching rule ignores them anyway.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"alice,ou=people", "*", "alice+cn=x", "alice\\", "alice\u0000", "#alice", "alice;x",
            "<alice>", "\"alice\""})
    void hostileKeyShouldNotNameAnotherEntryInTheSearchBase(String local) throws Exception {
        Dict dict = open("search_base = uid=%u,ou=people,dc=example,dc=com", "scope = base", "query_filter = (objectClass=*)");
        assertThat(dict.lookup(local + "@example.com")).isEqualTo(LookupResult.notFound());
    }

    // --- servers that die, hang, fail over ---

    @Test
    void lookupShouldFailTemporarilyWithinTheTimeoutWhenTheServerIsCutThenRecover() throws Exception {
        TcpProxy proxy = proxy();
        Dict dict = openOn(proxy.port(), Set.of(DictFlag.FOLD_CASE), "timeout = 2");
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.Found.class);

        proxy.cut();
        long start = System.nanoTime();
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds for two lookups").isLessThan(2 * 2000);

        proxy.restore();
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void lookupShouldFailTemporarilyWhenTheServerHangsThenRecover() throws Exception {
        TcpProxy proxy = proxy();
        Dict dict = openOn(proxy.port(), Set.of(DictFlag.FOLD_CASE), "timeout = 1");
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.Found.class);

        proxy.blackhole();
        long start = System.nanoTime();
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds, a try and one retry").isLessThan(3000);

        proxy.restore();
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void tableShouldOpenWhileTheServerIsDownAndAnswerOnceItIsUp() throws Exception {
        TcpProxy proxy = proxy();
        proxy.cut();
        Dict dict = openOn(proxy.port(), Set.of(DictFlag.FOLD_CASE));
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        proxy.restore();
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.Found.class);
    }

    @Test
    void lookupShouldUseTheNextServerWhenTheFirstIsDown() throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = socket.getLocalPort();
        }
        Dict dict = open("server_host = ldap://127.0.0.1:" + dead + "/, 127.0.0.1:" + port());
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
