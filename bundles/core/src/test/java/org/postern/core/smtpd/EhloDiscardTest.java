// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.config.PostfixConfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** smtpd_discard_ehlo_keywords: a discarded keyword is neither announced nor accepted. */
class EhloDiscardTest {

    private static SessionHarness session(String... mainCf) {
        return new SessionHarness(TestConfigs.config(mainCf));
    }

    private static String line(String reply) {
        return reply + "\r\n";
    }

    @Test
    void discardedKeywordsShouldNotBeAnnounced() {
        SessionHarness s = session("smtpd_discard_ehlo_keywords = chunking, DSN pipelining size vrfy 8bitmime");
        assertThat(s.cmd("EHLO c.example")).isEqualTo(String.join("\r\n", "250-mx.example.test",
                "250-ETRN", "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8") + "\r\n");
    }

    @Test
    void perClientMapsShouldReplaceTheGlobalListForThatClientOnly() {
        ScriptedChecks checks = new ScriptedChecks();
        checks.ehloDiscards.put("192.0.2.9", "pipelining, dsn, chunking, silent-discard");
        PostfixConfig config = TestConfigs.config("smtpd_discard_ehlo_keywords = vrfy");
        SessionHarness listed = new SessionHarness(config, checks, new java.net.InetSocketAddress("192.0.2.9", 40000),
                null, Runnable::run, java.time.Duration.ofSeconds(10));
        assertThat(listed.cmd("EHLO c.example")).doesNotContain("PIPELINING").doesNotContain("DSN")
                .doesNotContain("CHUNKING").contains("250-SIZE");
        SessionHarness other = new SessionHarness(config, checks, new java.net.InetSocketAddress("192.0.2.10", 40000),
                null, Runnable::run, java.time.Duration.ofSeconds(10));
        assertThat(other.cmd("EHLO c.example")).contains("PIPELINING").contains("DSN").doesNotContain("VRFY");
    }

    @Test
    void bdatShouldBeRefusedWhenChunkingIsDiscarded() {
        SessionHarness s = session("smtpd_discard_ehlo_keywords = chunking");
        s.cmd("EHLO c.example");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        assertThat(s.cmd("BDAT 3 LAST")).isEqualTo(line("521 5.5.1 Error: command not implemented"));
        assertThat(s.open()).isFalse();
        assertThat(s.queue.committed).isEmpty();
    }

    // RFC 3461/1870/6152/6531 parameters of extensions that were discarded.
    // Columns: discarded keyword | command after "EHLO c; MAIL FROM:<a@b.example>" or the MAIL itself | reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dsn      | RCPT TO:<c@d.example> NOTIFY=SUCCESS            | 555 5.5.4 Unsupported option: NOTIFY=SUCCESS",
        "dsn      | RCPT TO:<c@d.example> ORCPT=rfc822;c@d.example  | 555 5.5.4 Unsupported option: ORCPT=rfc822;c@d.example",
        "dsn      | MAIL FROM:<a@b.example> RET=HDRS                | 555 5.5.4 Unsupported option: RET=HDRS",
        "dsn      | MAIL FROM:<a@b.example> ENVID=x                 | 555 5.5.4 Unsupported option: ENVID=x",
        "size     | MAIL FROM:<a@b.example> SIZE=100                | 555 5.5.4 Unsupported option: SIZE=100",
        "8bitmime | MAIL FROM:<a@b.example> BODY=8BITMIME          | 555 5.5.4 Unsupported option: BODY=8BITMIME",
        "smtputf8 | MAIL FROM:<a@b.example> SMTPUTF8                | 555 5.5.4 Unsupported option: SMTPUTF8",
        "vrfy     | VRFY postmaster                                 | 502 5.5.1 VRFY command is disabled",
        "dsn      | RCPT TO:<c@d.example>                           | 250 2.1.5 Ok",
    })
    void parametersOfDiscardedExtensionsShouldBeRefused(String keyword, String command, String expected) {
        SessionHarness s = session("smtpd_discard_ehlo_keywords = " + keyword.strip());
        s.cmd("EHLO c.example");
        if (command.strip().startsWith("RCPT")) {
            s.cmd("MAIL FROM:<a@b.example>");
        }
        assertThat(s.cmd(command.strip())).isEqualTo(line(expected.strip()));
    }

    @Test
    void discardedEnhancedStatusCodesShouldBeLeftOutOfReplies() {
        SessionHarness s = session("smtpd_discard_ehlo_keywords = enhancedstatuscodes");
        assertThat(s.cmd("EHLO c.example")).doesNotContain("ENHANCEDSTATUSCODES");
        assertThat(s.cmd("MAIL FROM:<a@b.example>")).isEqualTo(line("250 Ok"));
        assertThat(s.cmd("FOO")).isEqualTo(line("500 Error: command not recognized"));
    }

    @Test
    void discardShouldBeLoggedUnlessSilent() {
        assertThat(logOf("smtpd_discard_ehlo_keywords = chunking dsn"))
                .contains("discarding EHLO keywords: DSN CHUNKING");
        assertThat(logOf("smtpd_discard_ehlo_keywords = chunking, silent-discard"))
                .doesNotContain("discarding EHLO keywords");
    }

    private static String logOf(String mainCf) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SessionHarness s = session(mainCf);
            assertThat(s.cmd("EHLO c.example")).doesNotContain("CHUNKING");
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
