// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CipherSuitesTest {

    private static final List<String> JDK = List.of("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");

    @ParameterizedTest
    @CsvSource({
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, ECDHE-RSA-AES256-GCM-SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, ECDHE-ECDSA-AES128-SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, ECDHE-RSA-AES256-SHA384",
        "TLS_RSA_WITH_AES_128_CBC_SHA, AES128-SHA",
        "TLS_RSA_WITH_AES_256_GCM_SHA384, AES256-GCM-SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, DHE-RSA-AES128-GCM-SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_AES_256_GCM_SHA384, TLS_AES_256_GCM_SHA384",
    })
    void openSslNameShouldMatchOpenSsls(String jsse, String openssl) {
        assertThat(CipherSuites.openSslName(jsse)).isEqualTo(openssl);
    }

    @Test
    void highShouldKeepOnlyForwardSecretAeadSuites() {
        assertThat(CipherSuites.select(JDK, "high", "")).containsExactly("TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    }

    @Test
    void mediumShouldKeepEverySuiteButTheSignallingOne() {
        assertThat(CipherSuites.select(JDK, "medium", "")).hasSize(JDK.size() - 1)
                .doesNotContain("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    }

    @Test
    void exclusionsShouldTakeOpenSslNamesAndAliases() {
        assertThat(CipherSuites.select(JDK, "medium", "kRSA, SHA1 ECDHE-RSA-AES256-SHA384:CHACHA20"))
                .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void gradeNullShouldBeRefused() {
        assertThatThrownBy(() -> CipherSuites.select(JDK, "null", "")).hasMessageContaining("not supported");
    }
}
