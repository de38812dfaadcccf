// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;

/** main.cf's milter_* parameters as the settings handed to the milter client. */
class MilterConfigTest {

    private static PostfixConfig config(String... lines) throws Exception {
        return PostfixConfig.of(ParameterTable.standard(), new ConfigEnvironment(Path.of("/etc/postern"),
                Path.of("/var/lib/postern"), "mx.example.test"), MainCf.parse(Path.of("/x/main.cf"), List.of(lines)));
    }

    @Test
    void noSmtpdMiltersShouldMeanNoSettings() throws Exception {
        assertThat(MilterConfig.smtpd(config("myhostname = mx.example.test"))).isNull();
    }

    @Test
    void settingsShouldCarryPostfixDefaultsAndEachEntryWhole() throws Exception {
        MilterSettings s = MilterConfig.smtpd(config("myhostname = mx.example.test",
                "smtpd_milters = inet:127.0.0.1:8891, { unix:/run/x.sock, default_action=accept } inet:[::1]:9",
                "milter_macro_defaults = {auth_type}=none, foo=bar"));
        assertThat(s.milters()).containsExactly("inet:127.0.0.1:8891", "{ unix:/run/x.sock, default_action=accept }",
                "inet:[::1]:9");
        assertThat(s.defaultAction()).isEqualTo(DefaultAction.TEMPFAIL);
        assertThat(s.protocol()).isEqualTo(6);
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.contentTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.macros(MilterStage.CONNECT)).containsExactly("j", "{daemon_name}", "{daemon_addr}", "v", "_");
        assertThat(s.macros(MilterStage.END_OF_DATA)).containsExactly("i");
        assertThat(s.macros(MilterStage.UNKNOWN)).isEmpty();
        assertThat(s.macroDefaults()).containsEntry("{auth_type}", "none").containsEntry("foo", "bar");
        assertThat(s.daemonName()).isEqualTo("mx.example.test");
        assertThat(s.version()).startsWith("Postern ");
    }

    @Test
    void internalMailFilterClassesShouldBeWarnedAboutNotSkippedSilently() throws Exception {
        List<String> warnings = new ArrayList<>();
        MilterConfig.warnUnsupported(config("internal_mail_filter_classes = bounce"), warnings::add);
        assertThat(warnings).containsExactly(
                "warning: internal_mail_filter_classes is not supported yet and is ignored: bounce");
        warnings.clear();
        MilterConfig.warnUnsupported(config("smtpd_milters = inet:127.0.0.1:8891",
                "non_smtpd_milters = inet:127.0.0.1:8891"), warnings::add);
        assertThat(warnings).isEmpty();
    }
}
