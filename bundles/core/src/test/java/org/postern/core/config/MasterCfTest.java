// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasterCfTest {

    private static final Path FILE = Path.of("/x/master.cf");

    private static MasterCf parse(String... lines) throws ConfigException {
        return MasterCf.parse(FILE, List.of(lines));
    }

    @Test
    void parseShouldReadAllFieldsOfServiceLine() throws Exception {
        MasterService s = parse("# service type  private unpriv  chroot  wakeup  maxproc command + args",
                "pickup    unix  n       -       y       60?     1       pickup").services().get(0);
        assertThat(s.key()).isEqualTo("pickup/unix");
        assertThat(s.isPrivate()).isFalse();
        assertThat(s.isUnprivileged()).isTrue();
        assertThat(s.isChroot()).isTrue();
        assertThat(s.wakeupSeconds()).isEqualTo(60);
        assertThat(s.isWakeupConditional()).isTrue();
        assertThat(s.processLimitField()).isEqualTo("1");
        assertThat(s.command()).isEqualTo("pickup");
        assertThat(s.line()).isEqualTo(2);
    }

    @Test
    void defaultsShouldFollowMaster5() throws Exception {
        MasterService s = parse("rewrite   unix  -       -       -       -       -       trivial-rewrite")
                .services().get(0);
        assertThat(s.isPrivate()).isTrue();
        assertThat(s.isUnprivileged()).isTrue();
        assertThat(s.isChroot()).isFalse();
        assertThat(s.wakeupSeconds()).isZero();
    }

    @Test
    void parseShouldCollectOverridesFromContinuationLines() throws Exception {
        // master(5): "-o name=value", and since Postfix 3.0 "-o { name = value }" with spaces.
        MasterCf cf = parse("smtp      inet  n       -       y       -       -       smtpd",
                "  -o smtpd_tls_security_level=may",
                "# comment inside the entry",
                "  -o { smtpd_client_restrictions = permit_mynetworks, reject }",
                "  -o{x=y} -o { content_filter = }");
        MasterService s = cf.services().get(0);
        assertThat(s.overrides()).containsExactly(
                java.util.Map.entry("smtpd_tls_security_level", "may"),
                java.util.Map.entry("smtpd_client_restrictions", "permit_mynetworks, reject"),
                java.util.Map.entry("x", "y"),
                java.util.Map.entry("content_filter", ""));
        assertThat(s.arguments()).containsExactly("-o", "smtpd_tls_security_level=may",
                "-o", "{smtpd_client_restrictions=permit_mynetworks, reject}", "-o", "x=y", "-o", "content_filter=");
        assertThat(s.overrideEntries().get(0).location()).isEqualTo("/x/master.cf, line 1: ");
    }

    @Test
    void parseShouldKeepCommandArguments() throws Exception {
        MasterService s = parse("maildrop  unix  -       n       n       -       -       pipe",
                "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}").services().get(0);
        assertThat(s.arguments()).containsExactly("flags=DRXhu", "user=vmail", "argv=/usr/bin/maildrop", "-d",
                "${recipient}");
        assertThat(s.overrides()).isEmpty();
        assertThat(s.commandLine()).isEqualTo("pipe flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}");
    }

    @Test
    void processLimitShouldUseDefaultProcessLimitForDash() throws Exception {
        PostfixConfig config = PostfixConfig.defaults(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/c"), Path.of("/d"), "h.example"));
        assertThat(parse("smtp inet n - n - - smtpd").services().get(0).processLimit(config)).isEqualTo(100);
        assertThat(parse("smtp inet n - n - 0 smtpd").services().get(0).processLimit(config)).isZero();
    }

    @Test
    void parseShouldRejectBadFieldsWithFileAndLine() {
        assertThatThrownBy(() -> parse("", "smtp inet n - n - -"))
                .isInstanceOf(ConfigException.class).hasMessage("/x/master.cf, line 2: bad field count");
        assertThatThrownBy(() -> parse("smtp bogus n - n - - smtpd"))
                .hasMessage("/x/master.cf, line 1: invalid type field \"bogus\"");
        assertThatThrownBy(() -> parse("smtp inet x - n - - smtpd"))
                .hasMessage("/x/master.cf, line 1: invalid private field \"x\"");
        assertThatThrownBy(() -> parse("smtp inet n - n abc - smtpd"))
                .hasMessage("/x/master.cf, line 1: invalid wakeup field \"abc\"");
        assertThatThrownBy(() -> parse("smtp inet n - n - abc smtpd"))
                .hasMessage("/x/master.cf, line 1: invalid process_limit field \"abc\"");
    }

    @Test
    void parseShouldRejectBadOverrides() {
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd -o"))
                .hasMessage("/x/master.cf, line 1: -o: missing name=value");
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd -o novalue"))
                .hasMessageStartingWith("/x/master.cf, line 1: -o novalue: missing '='");
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd", "  -o { x = y"))
                .hasMessageStartingWith("/x/master.cf, line 1: missing '}'");
    }

    @Test
    void parseShouldRejectContinuationBeforeFirstEntryAndDuplicates() {
        assertThatThrownBy(() -> parse("  -o x=y"))
                .hasMessage("/x/master.cf, line 1: logical line must not start with whitespace: \"  -o x=y\"");
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd", "smtp inet n - n - - smtpd"))
                .hasMessage("/x/master.cf, line 2: duplicate service definition: smtp/inet");
    }

    @Test
    void findShouldLocateServiceByNameAndType() throws Exception {
        MasterCf cf = parse("smtp inet n - n - - smtpd", "smtp unix - - n - - smtp");
        assertThat(cf.find("smtp", "unix").orElseThrow().command()).isEqualTo("smtp");
        assertThat(cf.find("smtp", "fifo")).isEmpty();
    }
}
