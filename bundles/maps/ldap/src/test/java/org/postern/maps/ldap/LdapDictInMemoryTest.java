// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.util.Set;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.SelfSignedCertificateGenerator;
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
 * cheap: StartTLS and ldaps:// listeners with a throw-away certificate, and a lookup rate.
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

    /** Not a timing assertion: prints the rate for the record (see the bundle's report). */
    @Test
    void uncachedLookupRate() throws Exception {
        Dict dict = open();
        for (int i = 0; i < 500; i++) {
            dict.lookup("alice@example.com");
        }
        int lookups = 5000;
        long start = System.nanoTime();
        for (int i = 0; i < lookups; i++) {
            assertThat(dict.lookup(i % 2 == 0 ? "alice@example.com" : "nobody" + i + "@example.com")).isNotNull();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ldap: %d uncached lookups against the in-memory server in %.2f s: %.0f lookups/s (one thread)%n",
                lookups, seconds, lookups / seconds);
    }
}
