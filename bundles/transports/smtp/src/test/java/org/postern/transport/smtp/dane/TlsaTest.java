// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PublicKey;

import org.junit.jupiter.api.Test;

/** A DANE-TA record's full public key (2 1 0, RFC 7671 section 5.2.3). */
class TlsaTest {

    private static PublicKey key(String algorithm) throws Exception {
        return KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
    }

    @Test
    void aFullKeyOfEachCommonAlgorithmShouldBeRead() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            PublicKey key = key(algorithm);

            assertThat(new Tlsa(Tlsa.DANE_TA, 1, 0, key.getEncoded()).trustAnchorKey()).as(algorithm)
                    .hasValueSatisfying(k -> assertThat(k.getEncoded()).isEqualTo(key.getEncoded()));
        }
    }

    @Test
    void onlyDaneTaWithSelectorOneAndMatchingTypeZeroShouldGiveAKey() throws Exception {
        byte[] spki = key("EC").getEncoded();

        assertThat(new Tlsa(Tlsa.DANE_EE, 1, 0, spki).trustAnchorKey()).isEmpty();
        assertThat(new Tlsa(Tlsa.DANE_TA, 0, 0, spki).trustAnchorKey()).isEmpty();
        assertThat(new Tlsa(Tlsa.DANE_TA, 1, 1, new byte[32]).trustAnchorKey()).isEmpty();
        assertThat(new Tlsa(Tlsa.DANE_TA, 1, 0, new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}).trustAnchorKey()).isEmpty();
    }
}
