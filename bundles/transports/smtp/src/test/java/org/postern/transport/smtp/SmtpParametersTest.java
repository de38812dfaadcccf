// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterException;

class SmtpParametersTest {

    private final List<Parameter> declared = new SmtpParameters().parameters();

    private String defaultOf(String name) {
        return declared.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().defaultValue();
    }

    @Test
    void eachParameterShouldBeDeclaredOnce() {
        assertThat(declared.stream().map(Parameter::name).distinct().count()).isEqualTo(declared.size());
    }

    @Test
    void defaultsShouldBePostfixsAsPostconfPrintsThem() {
        // postconf -d of Postfix 3.7
        assertThat(defaultOf("smtp_connect_timeout")).isEqualTo("30s");
        assertThat(defaultOf("lmtp_connect_timeout")).isEqualTo("0s");
        assertThat(defaultOf("smtp_data_done_timeout")).isEqualTo("600s");
        assertThat(defaultOf("lmtp_lhlo_name")).isEqualTo("$myhostname");
        assertThat(defaultOf("smtp_tcp_port")).isEqualTo("smtp");
        assertThat(defaultOf("lmtp_tcp_port")).isEqualTo("24");
        assertThat(defaultOf("smtp_sasl_tls_security_options")).isEqualTo("$smtp_sasl_security_options");
        assertThat(defaultOf("disable_mime_output_conversion")).isEqualTo("no");
        assertThat(defaultOf("smtp_tls_loglevel")).isEqualTo("0");
        assertThat(defaultOf("lmtp_tls_loglevel")).isEqualTo("0");
        assertThat(defaultOf("smtp_tls_session_cache_database")).isEmpty();
        assertThat(defaultOf("smtp_tls_session_cache_timeout")).isEqualTo("3600s");
    }

    // Found by "postfix check" and reload, with file and line, before any delivery tries them.
    @Test
    void tlsProtocolsAndCipherGradesShouldBeDeclaredWithTheirSyntax() {
        Parameter protocols = ClientParameters.SMTP.tlsMandatoryProtocols;
        Parameter grade = ClientParameters.LMTP.tlsCiphers;

        assertThatThrownBy(() -> protocols.validate(">=TLSv1.9")).hasMessageContaining("unknown TLS protocol");
        assertThatThrownBy(() -> ClientParameters.SMTP.tlsProtocols.validate("!TLSv1.2 !TLSv1.3 !TLSv1.1 !TLSv1"))
                .hasMessageContaining("enables no TLS protocol");
        assertThatThrownBy(() -> grade.validate("null")).hasMessageContaining("cipher grade");
        protocols.validate("!SSLv2, !SSLv3");
        grade.validate("high");
    }

    @Test
    void sessionCacheShouldNeedATableAndBeBoundedByPostfixsLimit() {
        TlsPolicy policy = TlsPolicy.parse("may", ClientSettings.TlsLevel.MAY);
        assertThat(TlsSettings.of(Protocol.SMTP, Map.<String, String>of()::get, policy).sessionCache()).isZero();
        assertThat(TlsSettings.of(Protocol.SMTP, Map.of("smtp_tls_session_cache_database", "btree:/var/x")::get,
                policy).sessionCache()).isEqualTo(Duration.ofHours(1));
        assertThat(TlsSettings.of(Protocol.SMTP, Map.of("smtp_tls_session_cache_database", "lmdb:/var/x",
                "smtp_tls_session_cache_timeout", "1000d")::get, policy).sessionCache()).isEqualTo(Duration.ofDays(100));
    }

    @Test
    void connectBudgetShouldDefaultToThreeConnectTimeouts() {
        Parameter budget = ClientParameters.SMTP.connectBudget;
        assertThat(budget.defaultValue(Map.of("smtp_connect_timeout", "7s")::get)).isEqualTo("21s");
        assertThat(budget.defaultValue(name -> null)).isEqualTo("90s");
        assertThat(ClientParameters.LMTP.connectBudget.defaultValue(name -> null)).isEqualTo("0s");
    }

    @Test
    void settingsShouldComeFromTheDeclarationsWhenUnset() {
        ClientSettings s = ClientSettings.of(Protocol.LMTP, Map.<String, String>of()::get);
        assertThat(s.connectTimeout()).isZero();
        assertThat(s.heloTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.tcpPort()).isEqualTo(24);
        assertThat(s.tlsLevel()).isEqualTo(ClientSettings.TlsLevel.NONE);
    }

    @Test
    void malformedValueShouldBeAnErrorNamingTheParameterNotTheDefault() {
        Map<String, String> settings = new HashMap<>(Map.of("smtp_mx_session_limit", "two"));
        assertThatThrownBy(() -> ClientSettings.of(Protocol.SMTP, settings::get)).isInstanceOf(ParameterException.class)
                .hasMessage("smtp_mx_session_limit: bad numerical value: two");
        settings.clear();
        settings.put("smtp_tcp_port", "70000");
        assertThatThrownBy(() -> ClientSettings.of(Protocol.SMTP, settings::get))
                .hasMessage("smtp_tcp_port: bad port: 70000");
        settings.clear();
        settings.put("smtp_tls_security_level", "always");
        assertThatThrownBy(() -> ClientSettings.of(Protocol.SMTP, settings::get))
                .hasMessageStartingWith("smtp_tls_security_level: bad value: always");
    }
}
