// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;

class SaslSettingsTest {

    private static PostfixConfig config(String... lines) throws Exception {
        return PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.test"),
                MainCf.parse(Path.of("/x/main.cf"), List.of(lines)));
    }

    @Test
    void defaultsShouldBeDovecotOnPrivateAuthInTheQueueDirectory() throws Exception {
        SaslSettings s = SaslSettings.from(config("smtpd_sasl_auth_enable = yes", "queue_directory = /var/spool/x"));
        assertThat(s.enabled()).isTrue();
        assertThat(s.endpoint().socket()).isEqualTo(Path.of("/var/spool/x/private/auth"));
        assertThat(s.securityOptions().options()).containsExactly(SecurityOptions.Option.NOANONYMOUS);
        assertThat(s.tlsSecurityOptions()).isEqualTo(s.securityOptions());
        assertThat(s.service()).isEqualTo("smtp");
        assertThat(s.responseLimit()).isEqualTo(12288);
    }

    @Test
    void cyrusShouldBeAConfigurationErrorNamingTheParameter() throws Exception {
        PostfixConfig c = config("smtpd_sasl_auth_enable = yes", "smtpd_sasl_type = cyrus");
        assertThatThrownBy(() -> SaslSettings.from(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("smtpd_sasl_type: cyrus: not supported");
    }

    @Test
    void cyrusShouldNotMatterWhileAuthIsOff() throws Exception {
        assertThat(SaslSettings.from(config("smtpd_sasl_type = cyrus")).enabled()).isFalse();
    }

    @Test
    void unknownSecurityOptionShouldBeAConfigurationError() throws Exception {
        PostfixConfig c = config("smtpd_sasl_auth_enable = yes", "smtpd_sasl_security_options = noanonymous, nosuch");
        assertThatThrownBy(() -> SaslSettings.from(c))
                .hasMessage("smtpd_sasl_security_options: unknown SASL security option: nosuch");
    }

    // Columns: smtpd_sasl_path | UNIX socket (empty: TCP) | host | port
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "private/auth               | /q/private/auth | | 0",
        "/run/dovecot/auth-client   | /run/dovecot/auth-client | | 0",
        "inet:127.0.0.1:12345       | | 127.0.0.1 | 12345",
        "inet:[::1]:12345           | | ::1 | 12345",
    })
    void pathShouldBeResolvedAsPostfixDoes(String value, String socket, String host, int port) {
        DovecotEndpoint e = DovecotEndpoint.parse(value.strip(), Path.of("/q"));
        assertThat(e.socket()).isEqualTo(socket == null ? null : Path.of(socket));
        assertThat(e.host()).isEqualTo(host);
        assertThat(e.port()).isEqualTo(port);
    }

    @Test
    void securityOptionsShouldFilterByDovecotsFlags() {
        SaslMechanism plain = new SaslMechanism("plain", EnumSet.of(SaslMechanism.Flag.PLAINTEXT));
        SaslMechanism anonymous = new SaslMechanism("ANONYMOUS", EnumSet.of(SaslMechanism.Flag.ANONYMOUS));
        SaslMechanism cram = new SaslMechanism("CRAM-MD5", EnumSet.of(SaslMechanism.Flag.DICTIONARY));
        SaslMechanism hidden = new SaslMechanism("EXTERNAL", EnumSet.of(SaslMechanism.Flag.PRIVATE));
        SecurityOptions noanonymous = SecurityOptions.parse("x", List.of("noanonymous"));
        SecurityOptions strict = SecurityOptions.parse("x", List.of("noanonymous", "noplaintext", "nodictionary"));
        assertThat(List.of(plain, anonymous, cram, hidden)).filteredOn(noanonymous::permits)
                .extracting(SaslMechanism::name).containsExactly("PLAIN", "CRAM-MD5");
        assertThat(List.of(plain, anonymous, cram, hidden)).filteredOn(strict::permits).isEmpty();
    }
}
