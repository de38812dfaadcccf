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

class PostfixConfigTest {

    private static final Path FILE = Path.of("/x/main.cf");
    private static final ConfigEnvironment ENV =
            new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "vm");

    private static PostfixConfig config(String... lines) throws ConfigException {
        return PostfixConfig.of(ParameterTable.standard(), ENV, MainCf.parse(FILE, List.of(lines)));
    }

    @Test
    void getShouldReturnFullyExpandedDefaults() throws Exception {
        PostfixConfig c = config();
        assertThat(c.get("myhostname")).isEqualTo("vm.localdomain");
        assertThat(c.get("mydestination")).isEqualTo("vm.localdomain, localhost.localdomain, localhost");
        assertThat(c.get("local_transport")).isEqualTo("local:vm.localdomain");
        assertThat(c.get("smtpd_banner")).isEqualTo("vm.localdomain ESMTP Postern");
        assertThat(c.get("relay_domains")).isEqualTo("vm.localdomain, localhost.localdomain, localhost");
        assertThat(c.get("smtpd_relay_restrictions")).isEmpty();
        assertThat(c.get("queue_directory")).isEqualTo("/var/lib/postern/queue");
    }

    @Test
    void compatibilityLevelShouldSelectNewDefaults() throws Exception {
        PostfixConfig c = config("compatibility_level = 3.6");
        assertThat(c.get("relay_domains")).isEmpty();
        assertThat(c.get("mynetworks_style")).isEqualTo("host");
        assertThat(c.bool("smtputf8_enable")).isTrue();
        assertThat(c.bool("append_dot_mydomain")).isFalse();
        assertThat(c.list("smtpd_relay_restrictions"))
                .containsExactly("permit_mynetworks", "permit_sasl_authenticated", "defer_unauth_destination");
    }

    @Test
    void mainCfSettingsShouldOverrideDefaultsAndFeedDerivedDefaults() throws Exception {
        PostfixConfig c = config("mydomain = example.com", "myorigin = $mydomain");
        assertThat(c.get("myhostname")).isEqualTo("vm.example.com");
        assertThat(c.get("myorigin")).isEqualTo("example.com");
        assertThat(c.raw("myorigin")).isEqualTo("$mydomain");
        assertThat(c.defaultValue("myorigin")).isEqualTo("$myhostname");
        assertThat(c.isDefault("myorigin")).isFalse();
        assertThat(c.isDefault("relayhost")).isTrue();
    }

    @Test
    void mydomainShouldFollowConfiguredMyhostname() throws Exception {
        assertThat(config("myhostname = a.b.example.org").get("mydomain")).isEqualTo("b.example.org");
    }

    @Test
    void typedGettersShouldConvertValues() throws Exception {
        PostfixConfig c = config("message_size_limit = 52428800", "smtpd_helo_required = yes",
                "default_destination_rate_delay = 250ms", "maximal_queue_lifetime = 2", "delay_warning_time = 4h",
                "mydestination = a, b c");
        assertThat(c.size("message_size_limit")).isEqualTo(52_428_800L);
        assertThat(c.bool("smtpd_helo_required")).isTrue();
        assertThat(c.time("default_destination_rate_delay")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.time("maximal_queue_lifetime")).isEqualTo(Duration.ofDays(2));
        assertThat(c.time("delay_warning_time")).isEqualTo(Duration.ofHours(4));
        assertThat(c.time("smtpd_timeout")).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.integer("smtpd_hard_error_limit")).isEqualTo(20);
        assertThat(c.list("mydestination")).containsExactly("a", "b", "c");
    }

    @Test
    void stressShouldSelectStressDefaults() throws Exception {
        PostfixConfig c = config("stress = yes");
        assertThat(c.time("smtpd_timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.integer("smtpd_junk_command_limit")).isEqualTo(1);
    }

    @Test
    void loadShouldRejectBadNumberNamingFileLineAndParameter() {
        assertThatThrownBy(() -> config("# c", "message_size_limit = 10x"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/x/main.cf, line 2: message_size_limit: bad numerical value: 10x");
    }

    @Test
    void loadShouldRejectBadValuesOfEveryType() {
        assertThatThrownBy(() -> config("smtpd_helo_required = maybe"))
                .hasMessage("/x/main.cf, line 1: smtpd_helo_required: bad boolean value: maybe");
        assertThatThrownBy(() -> config("queue_run_delay = 1y"))
                .hasMessage("/x/main.cf, line 1: queue_run_delay: bad time value: 1y");
        assertThatThrownBy(() -> config("smtpd_recipient_limit = 0"))
                .hasMessage("/x/main.cf, line 1: smtpd_recipient_limit: invalid value: 0 (minimum 1)");
        assertThatThrownBy(() -> config("compatibility_level = three"))
                .hasMessageContaining("compatibility_level: malformed compatibility level syntax");
    }

    @Test
    void loadShouldValidateExpandedValue() {
        assertThatThrownBy(() -> config("limit = 10k", "message_size_limit = $limit"))
                .hasMessage("/x/main.cf, line 2: message_size_limit: bad numerical value: 10k");
    }

    @Test
    void loadShouldReportLoopNamingChain() {
        assertThatThrownBy(() -> config("a = 1", "myorigin = $mydomain", "mydomain = ${myorigin}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/x/main.cf, line 2: myorigin: parameter loop: myorigin -> mydomain -> myorigin");
    }

    @Test
    void getShouldExpandUnknownParameterToEmpty() throws Exception {
        PostfixConfig c = config("foo = $nothing-x");
        assertThat(c.get("foo")).isEqualTo("-x");
        assertThat(c.get("nothing")).isEmpty();
        assertThat(c.find("nothing")).isEmpty();
    }

    @Test
    void typedGetterOnUserParameterShouldNameLocation() throws Exception {
        PostfixConfig c = config("my_limit = ten");
        assertThatThrownBy(() -> c.integer("my_limit"))
                .hasMessage("/x/main.cf, line 1: my_limit: bad numerical value: ten");
    }

    @Test
    void nonDefaultShouldListMainCfSettingsInFileOrder() throws Exception {
        PostfixConfig c = config("b = 1", "a = 2", "b = 3");
        assertThat(c.nonDefault()).extracting(ConfigEntry::name).containsExactly("a", "b");
        assertThat(c.nonDefault().get(1).value()).isEqualTo("3");
    }

    @Test
    void withOverridesShouldLayerMasterSettingsAndValidateThem() throws Exception {
        PostfixConfig c = config("smtpd_helo_required = no");
        PostfixConfig o = c.withOverrides(List.of(new ConfigEntry("smtpd_helo_required", "yes", Path.of("/x/master.cf"),
                7)));
        assertThat(o.bool("smtpd_helo_required")).isTrue();
        assertThat(c.bool("smtpd_helo_required")).isFalse();
        assertThatThrownBy(() -> c.withOverrides(List.of(new ConfigEntry("smtpd_timeout", "x",
                Path.of("/x/master.cf"), 7))))
                .hasMessage("/x/master.cf, line 7: smtpd_timeout: bad time value: x");
    }

    @Test
    void loadShouldReadMainCfFromConfigDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.cf"), "relayhost = [smarthost]:587\n");
        PostfixConfig c = PostfixConfig.load(ENV.withConfigDirectory(dir));
        assertThat(c.get("relayhost")).isEqualTo("[smarthost]:587");
        assertThat(c.get("config_directory")).isEqualTo(dir.toString());
        assertThat(c.nonDefault().get(0).file()).isEqualTo(dir.resolve("main.cf"));
    }

    @Test
    void expandShouldUseSnapshotValues() throws Exception {
        assertThat(config("relayhost = mx").expand("${relayhost?{relay via $relayhost}}")).isEqualTo("relay via mx");
    }
}
