// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainCfTest {

    private static final Path FILE = Path.of("/x/main.cf");

    private static MainCf parse(String... lines) throws ConfigException {
        return MainCf.parse(FILE, List.of(lines));
    }

    @Test
    void parseShouldIgnoreWhitespaceAroundEqualsAndAtEnd() throws Exception {
        MainCf cf = parse("myhostname   =   host.example.com   ", "relayhost=[mx]:25");
        assertThat(cf.find("myhostname").orElseThrow().value()).isEqualTo("host.example.com");
        assertThat(cf.find("relayhost").orElseThrow().value()).isEqualTo("[mx]:25");
    }

    @Test
    void parseShouldSkipCommentsAndEmptyLines() throws Exception {
        MainCf cf = parse("# comment", "", "   ", "   # indented comment", "a = 1");
        assertThat(cf.entries()).extracting(ConfigEntry::name).containsExactly("a");
        assertThat(cf.entries().get(0).line()).isEqualTo(5);
    }

    @Test
    void parseShouldJoinContinuationLinesAcrossCommentsAndBlankLines() throws Exception {
        // postconf(5): a line that starts with whitespace continues a logical line; Postfix's
        // reader skips comments and blank lines without ending the logical line.
        MainCf cf = parse("mydestination = a,", "    b,", "# comment", "", "\tc", "next = 1");
        assertThat(cf.find("mydestination").orElseThrow().value()).isEqualTo("a,    b,\tc");
        assertThat(cf.find("next").orElseThrow().line()).isEqualTo(6);
    }

    @Test
    void parseShouldContinueLogicalLineWhenLineStartsWithClosingBrace() throws Exception {
        // Postern wishlist: "}" at column 0 closes a multi-line { ... } value.
        MainCf cf = parse("smtpd_recipient_restrictions = {", "    check_policy_service inet:127.0.0.1:10023", "}",
                "x = 1");
        assertThat(cf.find("smtpd_recipient_restrictions").orElseThrow().value())
                .isEqualTo("{    check_policy_service inet:127.0.0.1:10023 }");
        assertThat(cf.entries()).hasSize(2);
    }

    @Test
    void parseShouldLetLastDefinitionWin() throws Exception {
        MainCf cf = parse("a = 1", "b = 2", "a = 3");
        assertThat(cf.find("a").orElseThrow().value()).isEqualTo("3");
        assertThat(cf.effective().keySet()).containsExactly("b", "a");
        assertThat(cf.entries()).hasSize(3);
    }

    @Test
    void parseShouldAcceptEmptyValue() throws Exception {
        assertThat(parse("relayhost =").find("relayhost").orElseThrow().value()).isEmpty();
    }

    @Test
    void parseShouldRejectLineWithoutEqualsNamingFileAndLine() {
        assertThatThrownBy(() -> parse("a = 1", "foo bar = x"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/x/main.cf, line 2: missing '=' after attribute name: \"foo bar = x\"");
    }

    @Test
    void parseShouldRejectEmptyName() {
        assertThatThrownBy(() -> parse("= bar"))
                .hasMessage("/x/main.cf, line 1: missing attribute name: \"= bar\"");
    }

    @Test
    void parseShouldRejectContinuationBeforeFirstParameter() {
        assertThatThrownBy(() -> parse("# c", "  foo = bar"))
                .hasMessage("/x/main.cf, line 2: logical line must not start with whitespace: \"  foo = bar\"");
    }

    @Test
    void parseShouldReportFirstLineOfMultiLineLogicalLine() {
        assertThatThrownBy(() -> parse("a = 1", "bad", "  continued"))
                .hasMessageStartingWith("/x/main.cf, line 2: missing '='");
    }

    @Test
    void parseShouldKeepOriginalLinesAndOwners() throws Exception {
        MainCf cf = parse("# c", "a = 1", "  2", "b = 3\r");
        assertThat(cf.lines()).containsExactly("# c", "a = 1", "  2", "b = 3");
        assertThat(cf.ownerOf(0)).isEqualTo(-1);
        assertThat(cf.ownerOf(1)).isEqualTo(0);
        assertThat(cf.ownerOf(2)).isEqualTo(0);
        assertThat(cf.ownerOf(3)).isEqualTo(1);
    }

    @Test
    void splitNameValueShouldAllowNoSpaces() {
        assertThat(MainCf.splitNameValue("a=b = c ")).containsExactly("a", "b = c");
    }
}
