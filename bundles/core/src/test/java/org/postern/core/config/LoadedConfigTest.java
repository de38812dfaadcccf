// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterException;

class LoadedConfigTest {

    private static final Parameter DEMO_TIMEOUT = Parameter.time("demo_timeout", "10s", 's', 1);

    @TempDir
    Path dir;

    private ConfigEnvironment env() {
        return new ConfigEnvironment(dir, dir, "mx.example.com");
    }

    private ParameterTable withDemo() {
        return ParameterTable.standard().with(List.of(DEMO_TIMEOUT));
    }

    private void files(String main, String master) throws Exception {
        Files.writeString(dir.resolve("main.cf"), main);
        Files.writeString(dir.resolve("master.cf"), master);
    }

    @Test
    void checkShouldRefuseAMalformedPluginParameterInMainCfNamingFileLineAndParameter() throws Exception {
        files("myhostname = mx.example.com\ndemo_timeout = 5x\n", "");
        assertThat(LoadedConfig.check(env(), withDemo())).containsExactly(
                "fatal: " + dir.resolve("main.cf") + ", line 2: demo_timeout: bad time value: 5x");
        // Without the plugin, the name is nobody's: a setting nothing uses, as Postfix says.
        assertThat(LoadedConfig.check(env())).containsExactly(
                "warning: " + dir.resolve("main.cf") + ": unused parameter: demo_timeout=5x");
    }

    @Test
    void checkShouldRefuseAMalformedPluginParameterInAMasterCfOverride() throws Exception {
        files("", "smtp unix - - n - - smtp\nrelay unix - - n - - smtp\n  -o demo_timeout=0\n");
        assertThat(LoadedConfig.check(env(), withDemo())).containsExactly(
                "fatal: " + dir.resolve("master.cf") + ", line 2: demo_timeout: invalid value: 0 (minimum 1s)");
    }

    @Test
    void withTableShouldRevalidateTheSameFiles() throws Exception {
        files("demo_timeout = 5x\n", "");
        LoadedConfig loaded = LoadedConfig.load(env());
        assertThat(loaded.main().get("demo_timeout")).isEqualTo("5x");
        assertThatThrownBy(() -> loaded.withTable(withDemo())).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 1: demo_timeout: bad time value: 5x");
    }

    @Test
    void serviceSettingsShouldNameTheMainCfOrMasterCfLineOfAMalformedValue() throws Exception {
        files("other_timeout = soon\n", "relay unix - - n - - smtp -o late_timeout=later\n");
        LoadedConfig loaded = LoadedConfig.load(env(), withDemo());
        MasterService relay = loaded.master().orElseThrow().services().get(0);
        ServiceSettings settings = loaded.main().withOverrides(relay.overrideEntries()).settings();
        assertThat(settings.time(DEMO_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> settings.time("other_timeout", Duration.ZERO)).isInstanceOf(ParameterException.class)
                .hasMessage(dir.resolve("main.cf") + ", line 1: other_timeout: bad time value: soon");
        assertThatThrownBy(() -> settings.time("late_timeout", Duration.ZERO))
                .hasMessage(dir.resolve("master.cf") + ", line 1: late_timeout: bad time value: later");
        assertThat(settings.source("demo_timeout")).isEmpty();
    }

    // Postfix: "fatal: bad numerical configuration: relay_destination_concurrency_limit = abc".
    @Test
    void checkShouldRefuseAMalformedPerServiceSchedulerParameter() throws Exception {
        files("myhostname = mx.example.com\nrelay_destination_concurrency_limit = abc\n",
                "relay unix - - n - - smtp\n");
        assertThat(LoadedConfig.check(env())).singleElement().asString()
                .startsWith("fatal: " + dir.resolve("main.cf") + ", line 2: relay_destination_concurrency_limit: ")
                .contains("abc");
        files("relay_destination_concurrency_limit = 5\n", "relay unix - - n - - smtp\n");
        assertThat(LoadedConfig.check(env())).isEmpty();
    }

    @Test
    void checkShouldRefuseAMalformedPerServiceParameterInAnOverride() throws Exception {
        files("", "relay unix - - n - - smtp\n  -o relay_destination_rate_delay=soon\n");
        assertThat(LoadedConfig.check(env())).singleElement().asString()
                .startsWith("fatal: " + dir.resolve("master.cf") + ", line 1: relay_destination_rate_delay: ")
                .contains("soon");
    }

    // Before, these showed only when the listener started; now check and reload refuse them.
    @Test
    void checkShouldRefuseTlsProtocolsAndCipherGradesNoListenerCouldUse() throws Exception {
        files("myhostname = mx.example.com\nsmtpd_tls_protocols = >=TLSv1.4\n", "");
        assertThat(LoadedConfig.check(env())).containsExactly("fatal: " + dir.resolve("main.cf")
                + ", line 2: smtpd_tls_protocols: unknown TLS protocol \"TLSv1.4\"");
        files("smtpd_tls_mandatory_ciphers = strong\n", "");
        assertThat(LoadedConfig.check(env())).singleElement().asString().startsWith("fatal: " + dir.resolve("main.cf")
                + ", line 1: smtpd_tls_mandatory_ciphers: cipher grade \"strong\" is not supported");
        files("", "submission inet n - n - - smtpd\n  -o smtpd_tls_mandatory_protocols=SSLv3\n");
        assertThat(LoadedConfig.check(env())).containsExactly("fatal: " + dir.resolve("master.cf")
                + ", line 1: smtpd_tls_mandatory_protocols: \"SSLv3\" enables no TLS protocol");
        files("smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1\nsmtpd_tls_ciphers = high\n", "");
        assertThat(LoadedConfig.check(env())).isEmpty();
    }

    @Test
    void checkShouldRefuseCipherExclusionsThatLeaveNoCipher() throws Exception {
        files("smtpd_tls_mandatory_ciphers = high\nsmtpd_tls_mandatory_exclude_ciphers = ECDHE, TLS_AES_128_GCM_SHA256,"
                + " TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, DHE\n", "");
        assertThat(LoadedConfig.check(env())).singleElement().asString().startsWith("fatal: " + dir.resolve("main.cf")
                + ", line 2: smtpd_tls_mandatory_exclude_ciphers: grade \"high\" less").endsWith("leaves no cipher");
        files("smtpd_tls_exclude_ciphers = aNULL, RC4, CBC\n",
                "submission inet n - n - - smtpd\n  -o smtpd_tls_ciphers=high\n  -o smtpd_tls_exclude_ciphers=ECDHE:DHE:AES:CHACHA20\n");
        assertThat(LoadedConfig.check(env())).singleElement().asString().startsWith("fatal: " + dir.resolve("master.cf")
                + ", line 1: smtpd_tls_exclude_ciphers: ");
    }

    @Test
    void checkShouldRefuseAPluginsTlsProtocolsDeclaredWithTheirSyntax() throws Exception {
        ParameterTable table = ParameterTable.standard().with(List.of(Parameter.string("smtp_tls_protocols", ">=TLSv1")
                .withSyntax(org.postern.api.parameter.ValueSyntax.TLS_PROTOCOLS)));
        files("smtp_tls_protocols = TLSv2\n", "");
        assertThat(LoadedConfig.check(env(), table)).containsExactly("fatal: " + dir.resolve("main.cf")
                + ", line 1: smtp_tls_protocols: unknown TLS protocol \"TLSv2\"");
    }
}
