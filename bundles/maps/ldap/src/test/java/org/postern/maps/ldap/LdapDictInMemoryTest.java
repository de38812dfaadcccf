// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.util.Set;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.SelfSignedCertificateGenerator;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.util.ObjectPair;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * The ldap_table(5) contract against UnboundID's in-memory server, plus what only it makes
 * cheap: StartTLS and ldaps:// listeners with a throw-away certificate, and changing the
 * directory between lookups.
 */
class LdapDictInMemoryTest extends LdapDictContract {

    private static InMemoryDirectoryServer server;

    @BeforeAll
    static void startServer() throws Exception {
        ObjectPair<File, char[]> keyStore = SelfSignedCertificateGenerator.generateTemporarySelfSignedCertificate("postern-test", "PKCS12");
        SSLUtil serverTls = new SSLUtil(new KeyStoreKeyManager(keyStore.getFirst(), keyStore.getSecond(), "PKCS12", null), null);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = LdapTestDirectory.startInMemory(
                InMemoryListenerConfig.createLDAPConfig("starttls", loopback, 0, serverTls.createSSLSocketFactory()),
                InMemoryListenerConfig.createLDAPSConfig("ldaps", loopback, 0, serverTls.createSSLServerSocketFactory(), null));
    }

    @AfterAll
    static void stopServer() {
        server.shutDown(true);
    }

    @Override
    int port() {
        return server.getListenPort("ldap");
    }

    @Test
    void lookupShouldWorkOverStartTls() throws Exception {
        Dict dict = openOn(server.getListenPort("starttls"), Set.of(), "start_tls = yes", "tls_require_cert = no");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void lookupShouldWorkOverLdaps() throws Exception {
        Dict dict = open("server_host = ldaps://127.0.0.1:" + server.getListenPort("ldaps"));
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void lookupShouldFailTemporarilyWhenTheCertificateIsRequiredButUntrusted() throws Exception {
        Dict dict = openOn(server.getListenPort("starttls"), Set.of(), "start_tls = yes", "tls_require_cert = yes");
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    /**
     * Uncached: every lookup asks the directory, so a change there shows at the next lookup, on
     * the same connection, hit or miss. (How many lookups a second that costs is a benchmark:
     * bench/ldap-cached-lookups.sh, "uncached" and "uncachedMiss".)
     */
    @Test
    void uncachedLookupsShouldSeeEveryChangeInTheDirectoryAtTheNextLookup() throws Exception {
        Dict dict = open();
        String alice = "uid=alice,ou=people," + LdapTestDirectory.SUFFIX;
        try {
            for (int i = 0; i < 50; i++) {
                String maildrop = "alice" + i + "@mail.example.com";
                server.modify(alice, new Modification(ModificationType.REPLACE, "maildrop", maildrop));
                assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found(maildrop));
                assertThat(dict.lookup("nobody" + i + "@example.com")).isEqualTo(LookupResult.notFound());
            }
        } finally {
            server.modify(alice, new Modification(ModificationType.REPLACE, "maildrop", "alice@mail.example.com"));
        }
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }
}
