// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Postfix's protocol list syntax (postconf(5) smtpd_tls_protocols). */
class TlsProtocolsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        ">=TLSv1                 | TLSv1.3 TLSv1.2 TLSv1.1 TLSv1",
        ">=TLSv1.2               | TLSv1.3 TLSv1.2",
        "'!SSLv2, !SSLv3'        | TLSv1.3 TLSv1.2 TLSv1.1 TLSv1",
        "'!SSLv2 !SSLv3 !TLSv1 !TLSv1.1' | TLSv1.3 TLSv1.2",
        "'>=TLSv1, <=TLSv1.2'    | TLSv1.2 TLSv1.1 TLSv1",
        "TLSv1.3                 | TLSv1.3",
        "''                      | TLSv1.3 TLSv1.2 TLSv1.1 TLSv1",
        "'>=tlsv1.2:!TLSv1.3'    | TLSv1.2",
    })
    void specShouldEnableTheseProtocols(String spec, String expected) {
        assertThat(String.join(" ", TlsProtocols.parse(spec))).isEqualTo(expected);
    }

    @Test
    void unknownProtocolShouldBeAnError() {
        assertThatThrownBy(() -> TlsProtocols.parse(">=TLSv9")).hasMessageContaining("TLSv9");
    }

    @Test
    void specEnablingNothingShouldBeAnError() {
        assertThatThrownBy(() -> TlsProtocols.parse("SSLv3")).hasMessageContaining("enables no TLS protocol");
    }
}
