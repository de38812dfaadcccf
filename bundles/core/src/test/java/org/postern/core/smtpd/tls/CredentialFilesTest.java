// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {

    @TempDir
    Path dir;

    @Test
    void unchangedFilesShouldGiveTheSameSnapshot() throws Exception {
        TestPki pki = new TestPki();
        Path chain = pki.chainFile(dir.resolve("chain.pem"), pki.issue("a.example", TestPki.ec()));
        CredentialFiles files = new CredentialFiles(List.of(new CredentialFiles.ChainFile(chain)));

        assertThat(files.current()).isSameAs(files.current());
        assertThat(files.current().credentials().get(0).chain()).hasSize(2);
    }

    @Test
    void chainFileWithRsaAndEcdsaShouldGiveBoth() throws Exception {
        TestPki pki = new TestPki();
        TestPki.Issued rsa = pki.issue("a.example", TestPki.rsa());
        TestPki.Issued ec = pki.issue("a.example", TestPki.ec());
        Path chain = TestPki.pem(dir.resolve("chain.pem"), rsa.keys(), rsa.certificate(), pki.ca.certificate(),
                ec.keys(), ec.certificate(), pki.ca.certificate());

        List<Credential> c = new CredentialFiles(List.of(new CredentialFiles.ChainFile(chain))).current().credentials();

        assertThat(c).extracting(Credential::algorithm).containsExactly("RSA", "EC");
        assertThat(c.get(0).serves("RSA")).isTrue();
        assertThat(c.get(0).serves("EC")).isFalse();
        assertThat(c.get(1).serves("EC")).isTrue();
    }

    @Test
    void keysShouldBeJdkKeysEvenWithBouncyCastleRegisteredAsInKaraf() throws Exception {
        // Karaf registers Bouncy Castle; its PEM converter then makes "ECDSA" keys JSSE cannot match.
        java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        try {
            TestPki pki = new TestPki();
            Path chain = pki.chainFile(dir.resolve("chain.pem"), pki.issue("a.example", TestPki.ec()));

            Credential c = new CredentialFiles(List.of(new CredentialFiles.ChainFile(chain))).current()
                    .credentials().get(0);

            assertThat(c.key().getAlgorithm()).isEqualTo("EC");
            assertThat(c.key().getClass().getName()).doesNotContain("bouncycastle");
        } finally {
            java.security.Security.removeProvider("BC");
        }
    }

    @Test
    void keyThatDoesNotMatchItsCertificateShouldBeRefused() throws Exception {
        TestPki pki = new TestPki();
        TestPki.Issued a = pki.issue("a.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("cert.pem"), a.certificate());
        Path key = TestPki.pem(dir.resolve("key.pem"), TestPki.ec());

        assertThatThrownBy(() -> new CredentialFiles(List.of(new CredentialFiles.CertAndKey(cert, key))))
                .hasMessageContaining("does not match");
    }

    @Test
    void certificateBeforeAnyKeyInAChainFileShouldBeRefused() throws Exception {
        TestPki pki = new TestPki();
        TestPki.Issued a = pki.issue("a.example", TestPki.ec());
        Path chain = TestPki.pem(dir.resolve("chain.pem"), a.certificate(), a.keys());

        assertThatThrownBy(() -> new CredentialFiles(List.of(new CredentialFiles.ChainFile(chain))))
                .hasMessageContaining("certificate before its private key");
    }
}
