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
