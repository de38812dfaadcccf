// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StsPolicyTest {

    @Test
    void theRfcExampleShouldParseWithCrlfAndWithLf() throws Exception {
        String crlf = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "mx: backupmx.example.com\r\nmax_age: 604800\r\n";
        for (String text : new String[] {crlf, crlf.replace("\r\n", "\n"), crlf.substring(0, crlf.length() - 2)}) {
            StsPolicy p = StsPolicy.parse(text);
            assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
            assertThat(p.mxPatterns()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
            assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
            assertThat(p.policyStrings()).hasSize(6).contains("mx: *.example.net");
        }
    }

    @Test
    void unknownFieldsShouldBeIgnoredAndModeNoneNeedsNoMx() throws Exception {
        StsPolicy p = StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\nfuture_key: some value\n");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.NONE);
        assertThat(p.mxPatterns()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "version: STSv1\nmode: enforce\nmax_age: 86400\n",                         // enforce without mx
        "version: STSv1\nmode: enforce\nmx: a.example\n",                           // no max_age
        "mode: enforce\nmx: a.example\nmax_age: 1\n",                               // no version
        "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
        "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n",               // values are case-sensitive
        "version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n",
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",       // RFC limit 31557600
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n",    // 11 digits
        "version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n",             // wildcard not leftmost
        "version: STSv1\nmode: enforce\nmx: *example.com\nmax_age: 1\n",
        "version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n",
        "version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 1\n",            // blank line
        "version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1\n",               // no colon
        " version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",             // leading blank
        "<html><body>mode: enforce</body></html>\n",
        "version: STSv1\nmode: enforce\nnmx: mx0.example\nmax_age: 604800\n",      // postfix-tlspol#95: "nmx" is no mx
    })
    void invalidPoliciesShouldBeRefused(String text) {
        assertThatThrownBy(() -> StsPolicy.parse(text)).isInstanceOf(StsPolicy.Invalid.class);
    }

    @Test
    void theLargestMaxAgeShouldBeAccepted() throws Exception {
        assertThat(StsPolicy.parse("version: STSv1\nmode: testing\nmx: a.example\nmax_age: 31557600\n").maxAge())
                .isEqualTo(Duration.ofSeconds(31_557_600));
    }

    // RFC 8461 section 4.1: "*.example.com" matches one leftmost label only
    @ParameterizedTest
    @CsvSource({
        "mail.example.com, mail.example.com, true",
        "mail.example.com, MAIL.Example.COM., true",
        "*.example.com, mx1.example.com, true",
        "*.example.com, example.com, false",
        "*.example.com, a.b.example.com, false",
        "mail.example.com, other.example.com, false",
    })
    void mxPatternsShouldMatchAsTheRfcSays(String pattern, String host, boolean allowed) throws Exception {
        StsPolicy p = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: " + pattern + "\nmax_age: 60\n");
        assertThat(p.allows(host)).isEqualTo(allowed);
    }
}
