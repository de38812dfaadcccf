// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.SearchScope;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.DictException;
import org.postern.api.support.TableConfig;
import org.postern.testing.TestDictContext;

/** Reading and checking ldap_table(5) parameters; no server needed. */
class LdapSettingsTest {

    @TempDir
    Path dir;

    private final TestDictContext context = new TestDictContext(null);

    private LdapSettings read(String text) throws Exception {
        Path cf = dir.resolve("ldap.cf");
        Files.writeString(cf, text);
        return LdapSettings.read(TableConfig.open("ldap", cf.toString(), context), context);
    }

    @Test
    void defaultsShouldBePostfixDefaults() throws Exception {
        LdapSettings settings = read("search_base = dc=example,dc=com\n");
        assertThat(settings.servers().servers()).containsExactly(new LdapServers.Server("localhost", 389, false));
        assertThat(settings.queryFilter().template()).isEqualTo("(mailacceptinggeneralid=%s)");
        assertThat(settings.attributes().result()).containsExactly("maildrop");
        assertThat(settings.resultFormat().template()).isEqualTo("%s");
        assertThat(settings.scope()).isEqualTo(SearchScope.SUB);
        assertThat(settings.dereference()).isEqualTo(DereferencePolicy.NEVER);
        assertThat(settings.timeoutSeconds()).isEqualTo(10);
        assertThat(settings.recursionLimit()).isEqualTo(1000);
        assertThat(settings.expansionLimit()).isZero();
        assertThat(settings.sizeLimit()).isZero();
        assertThat(settings.binds()).isFalse();
        assertThat(settings.tls()).isNull();
        assertThat(context.warnings()).isEmpty();
    }

    @Test
    void sizeLimitShouldDefaultToTheExpansionLimit() throws Exception {
        assertThat(read("expansion_limit = 7\n").sizeLimit()).isEqualTo(7);
    }

    @Test
    void serverHostShouldAcceptUrlsAndHostsInOrder() throws Exception {
        LdapSettings settings = read("server_host = ldap://a.example:1389/ b.example, ldaps://c.example d.example:3389\nserver_port = 10389\n");
        assertThat(settings.servers().servers()).containsExactly(
                new LdapServers.Server("a.example", 1389, false), new LdapServers.Server("b.example", 10389, false),
                new LdapServers.Server("c.example", 636, true), new LdapServers.Server("d.example", 3389, false));
        assertThat(settings.tls()).isNotNull();
    }

    @Test
    void ldapiShouldBeRefusedNamingFileLineAndParameter() {
        assertThatThrownBy(() -> read("\nserver_host = ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi\n"))
                .isInstanceOf(DictException.class)
                .hasMessageContaining("ldap.cf, line 2: server_host: ldapi:// (Unix domain sockets) is not supported");
    }

    @Test
    void saslBindShouldBeRefusedClearly() {
        assertThatThrownBy(() -> read("bind = sasl\n")).hasMessageContaining("bind: SASL binds are not supported");
    }

    @Test
    void badValuesShouldNameTheirParameter() {
        assertThatThrownBy(() -> read("scope = everything\n")).hasMessageContaining("line 1: scope: bad value");
        assertThatThrownBy(() -> read("dereference = 4\n")).hasMessageContaining("dereference: bad value 4");
        assertThatThrownBy(() -> read("timeout = ten\n")).hasMessageContaining("timeout: bad numerical value");
        assertThatThrownBy(() -> read("query_filter = (uid=%s\n")).hasMessageContaining("query_filter: invalid");
        assertThatThrownBy(() -> read("query_filter = (uid=%x)\n")).hasMessageContaining("query_filter: invalid expansion \"%x\"");
        assertThatThrownBy(() -> read("search_base = dc=%s,,\n")).hasMessageContaining("search_base: invalid");
        assertThatThrownBy(() -> read("version = 4\n")).hasMessageContaining("version: LDAP version 4 does not exist");
        assertThatThrownBy(() -> read("start_tls = yes\nserver_host = ldaps://a.example\n"))
                .hasMessageContaining("start_tls: cannot be combined with ldaps://");
        assertThatThrownBy(() -> read("start_tls = yes\ntls_cert = /nonexistent/cert.pem\n")).hasMessageContaining("tls_cert and tls_key must be set together");
    }

    @Test
    void passwordShouldNeverAppearInMessages() {
        assertThatThrownBy(() -> read("bind_pw = hunter2\nbind_dn = not a dn\n"))
                .hasMessageContaining("bind_dn: not a valid DN").hasMessageNotContaining("hunter2");
    }

    @Test
    void filterWithoutParenthesesShouldGetThem() throws Exception {
        assertThat(read("query_filter = mail=%s\n").queryFilter().template()).isEqualTo("(mail=%s)");
    }

    @Test
    void unknownAndIgnoredParametersShouldBeWarnedAboutNamingTheFile() throws Exception {
        read("serverhost = ldap.example\nversion = 2\ncache = yes\n");
        assertThat(context.warnings()).hasSize(3).allMatch(w -> w.contains("ldap.cf"));
        assertThat(context.warnings().get(0)).contains("unknown ldap parameter \"serverhost\"");
        assertThat(context.warnings().get(1)).contains("LDAPv2 is not supported, using LDAPv3");
        assertThat(context.warnings().get(2)).contains("cache is not supported");
    }

    @Test
    void resultFilterShouldBeTheOldNameOfResultFormat() throws Exception {
        assertThat(read("result_filter = smtp:%s\n").resultFormat().template()).isEqualTo("smtp:%s");
    }
}
