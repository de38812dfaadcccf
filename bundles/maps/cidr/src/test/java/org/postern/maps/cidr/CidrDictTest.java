// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class CidrDictTest {

    private final List<String> warnings = new ArrayList<>();

    static Path resource(String name) {
        try {
            return Path.of(CidrDictTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private CidrDict open(Path file) throws DictException {
        return CidrDictFactory.open(file.toString(), Set.of(DictFlag.FOLD_CASE), null, warnings::add);
    }

    private CidrDict table(@TempDir Path dir, String... lines) throws IOException, DictException {
        Path file = dir.resolve("t.cidr");
        Files.write(file, List.of(lines));
        return open(file);
    }

    // cidr_table(5), EXAMPLE SMTPD ACCESS MAP: first match wins, so the /32 allowlist entry beats the /16.
    @ParameterizedTest
    @CsvSource({
        "192.168.1.1, OK",
        "192.168.2.2, REJECT",
        "192.168.255.255, REJECT",
        "2001:db8::1, OK",
        "2001:0db8:0000::0001, OK",
        "2001:DB8::2, REJECT",
        "2001:db8:ffff::, REJECT",
    })
    void lookupShouldReturnValueWhenAddressInsideNetblock(String key, String value) throws DictException {
        assertThat(open(resource("client.cidr")).lookup(key)).isEqualTo(LookupResult.found(value));
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"192.169.0.1", "10.0.0.1", "2001:db9::1", "::1", "::ffff:192.168.1.1"})
    void lookupShouldReturnNotFoundWhenAddressOutsideEveryNetblock(String key) throws DictException {
        assertThat(open(resource("client.cidr")).lookup(key)).isEqualTo(LookupResult.notFound());
    }

    @ParameterizedTest
    @CsvSource({"foo", "'[192.168.1.1]'", "' 192.168.1.1'", "192.168.1.1/32", "0300.0250.1.1", "192.168.1",
        "'192.168.1.1 '", "2001:db8::1%eth0", "''"})
    void lookupShouldReturnNotFoundWhenKeyIsNotAnAddress(String key) throws DictException {
        assertThat(open(resource("client.cidr")).lookup(key)).isEqualTo(LookupResult.notFound());
    }

    @Test
    void openShouldReportPatternFlagSoCallersSkipPartialKeys() throws DictException {
        CidrDict dict = open(resource("client.cidr"));
        assertThat(dict.flags()).contains(DictFlag.PATTERN, DictFlag.READ_ONLY).doesNotContain(DictFlag.FIXED);
        assertThat(dict.type()).isEqualTo("cidr");
        assertThat(dict.spec()).isEqualTo("cidr:" + resource("client.cidr"));
    }

    @Test
    void loadShouldSkipMalformedLineAndKeepOthers() throws DictException {
        CidrDict dict = open(resource("mixed.cidr"));
        String file = resource("mixed.cidr").toString();
        assertThat(warnings).containsExactly(
                "cidr map " + file + ", line 2: non-null host address bits in \"10.1.2.3/8\","
                        + " perhaps you should use \"10.0.0.0/8\" instead: skipping this rule",
                "cidr map " + file + ", line 3: bad address pattern: \"garbage\": skipping this rule",
                "cidr map " + file + ", line 4: bad mask length in \"1.2.3.4/33\": skipping this rule",
                "cidr map " + file + ", line 5: no lookup result: skipping this rule",
                "cidr map " + file + ", line 7: bad address pattern: \"010.1.1.1\": skipping this rule",
                "cidr map " + file + ", line 17: ENDIF without IF: skipping this rule");
        // Same answers as Postfix 3.7 postmap -q on this file.
        assertThat(dict.lookup("10.1.2.3")).isEqualTo(LookupResult.found("NOT172"));
        assertThat(dict.lookup("192.0.2.77")).isEqualTo(LookupResult.found("BRACKETED"));
        assertThat(dict.lookup("192.0.4.1")).isEqualTo(LookupResult.found("multi word  continued value"));
        assertThat(dict.lookup("172.16.1.1")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("5.6.7.8")).isEqualTo(LookupResult.found("NOT172"));
    }

    @Test
    void lookupShouldTreatBareAddressAsFullLengthPrefix(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "192.0.2.1 HOST4", "2001:db8::1 HOST6");
        assertThat(dict.lookup("192.0.2.1")).isEqualTo(LookupResult.found("HOST4"));
        assertThat(dict.lookup("192.0.2.2")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("2001:db8:0:0:0:0:0:1")).isEqualTo(LookupResult.found("HOST6"));
        assertThat(dict.lookup("2001:db8::2")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldMatchEverythingOfOneFamilyWithZeroPrefix(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "0.0.0.0/0 ALL4", "::/0 ALL6");
        assertThat(dict.lookup("203.0.113.9")).isEqualTo(LookupResult.found("ALL4"));
        assertThat(dict.lookup("fe80::1")).isEqualTo(LookupResult.found("ALL6"));
    }

    @Test
    void lookupShouldMatchNegatedRuleOnlyOutsideNetblockAndOnlyInItsFamily(@TempDir Path dir) throws Exception {
        // cidr_table(5): "!pattern result: when a search string does not match the specified pattern".
        CidrDict dict = table(dir, "!192.168.0.0/16 OUTSIDE", "! 10.0.0.0/8 SPACED");
        assertThat(dict.lookup("8.8.8.8")).isEqualTo(LookupResult.found("OUTSIDE"));
        assertThat(dict.lookup("192.168.3.4")).isEqualTo(LookupResult.found("SPACED"));
        assertThat(dict.lookup("2001:db8::1")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldEnterIfBlockOnlyWhenAddressMatchesAndBlocksNest(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir,
                "if 198.51.100.0/24",
                "if !198.51.100.0/25",
                "198.51.100.0/24 UPPER-HALF",
                "endif",
                "198.51.100.0/24 LOWER-HALF",
                "endif",
                "0.0.0.0/0 ELSEWHERE");
        assertThat(dict.lookup("198.51.100.200")).isEqualTo(LookupResult.found("UPPER-HALF"));
        assertThat(dict.lookup("198.51.100.1")).isEqualTo(LookupResult.found("LOWER-HALF"));
        assertThat(dict.lookup("203.0.113.1")).isEqualTo(LookupResult.found("ELSEWHERE"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void loadShouldWarnAboutIfWithoutEndifAndRunBlockToEndOfFile(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "IF 5.0.0.0/8", "if 5.5.0.0/16", "5.5.5.0/24 DEEP", "IF 6.0.0.0/8 trailing");
        assertThat(dict.lookup("5.5.5.5")).isEqualTo(LookupResult.found("DEEP"));
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).endsWith("line 4: bad mask value in \"6.0.0.0/8 trailing\": skipping this rule");
        assertThat(warnings.get(1)).endsWith("line 2: IF has no matching ENDIF");
        assertThat(warnings.get(2)).endsWith("line 1: IF has no matching ENDIF");
    }

    @Test
    void loadShouldTreatBodyOfBadIfAsUnconditionalAsPostfixDoes(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "if 1.2.3.4/40", "9.9.9.9 INNER", "endif");
        assertThat(dict.lookup("9.9.9.9")).isEqualTo(LookupResult.found("INNER"));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).endsWith("line 3: ENDIF without IF: skipping this rule");
    }

    @Test
    void lookupShouldMatchIpv4MappedKeyOnlyAgainstIpv6Rules(@TempDir Path dir) throws Exception {
        // Postfix compares binary addresses of one family: ::ffff:192.0.2.1 is IPv6.
        CidrDict dict = table(dir, "192.0.2.0/24 V4", "::ffff:192.0.2.0/120 MAPPED");
        assertThat(dict.lookup("192.0.2.1")).isEqualTo(LookupResult.found("V4"));
        assertThat(dict.lookup("::ffff:192.0.2.1")).isEqualTo(LookupResult.found("MAPPED"));
        assertThat(dict.lookup("::FFFF:c000:201")).isEqualTo(LookupResult.found("MAPPED"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "zz/24 a | bad network value in \"zz/24\"",
        "1.2.3/24 a | bad network value in \"1.2.3/24\"",
        "1.2.3.0/24x a | bad mask value in \"1.2.3.0/24x\"",
        "1.2.3.0/ a | bad mask value in \"1.2.3.0/\"",
        "1.2.3.4/-1 a | bad mask value in \"1.2.3.4/-1\"",
        "2001:db8::/129 a | bad mask length in \"2001:db8::/129\"",
        "2001:db8::1/32 a | non-null host address bits in \"2001:db8::1/32\", perhaps you should use \"2001:db8::/32\" instead",
        "[1.2.3.0 a | missing ']' character after \"[1.2.3.0\"",
        "[1.2.4.0]x a | garbage after \"[1.2.4.0]\"",
        "endif foo | garbage after ENDIF",
        "if | no address pattern",
        "if ! | no address pattern",
    })
    void loadShouldWarnInPostfixWordsWhenRuleIsMalformed(String line, String why, @TempDir Path dir) throws Exception {
        table(dir, line, "192.0.2.1 OK");
        assertThat(warnings).singleElement().asString().endsWith("line 1: " + why + ": skipping this rule");
    }

    @Test
    void loadShouldAcceptOctalLookingMaskAndBracketedPrefix(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "[1.2.3.0/24] BRACKETS", "1.2.4.4/032 LEADING-ZERO-MASK");
        assertThat(dict.lookup("1.2.3.9")).isEqualTo(LookupResult.found("BRACKETS"));
        assertThat(dict.lookup("1.2.4.4")).isEqualTo(LookupResult.found("LEADING-ZERO-MASK"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void openShouldReadInlineRules() throws DictException {
        CidrDict dict = CidrDictFactory.open("{ {192.0.2.0/24 REJECT spam}, {2001:db8::/32 OK} }",
                Set.of(), null, warnings::add);
        assertThat(dict.lookup("192.0.2.9")).isEqualTo(LookupResult.found("REJECT spam"));
        assertThat(dict.lookup("2001:db8::9")).isEqualTo(LookupResult.found("OK"));
    }

    @Test
    void openShouldFailWhenFileIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> open(dir.resolve("nope.cidr")))
                .isInstanceOf(DictException.class)
                .hasMessageContaining("No such file");
    }

    @Test
    void openShouldResolveRelativeNameAgainstConfigDirectory(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("rel.cidr"), List.of("192.0.2.0/24 REL"));
        CidrDict dict = (CidrDict) new CidrDictFactory().open("rel.cidr", Set.of(), new TestContext(dir));
        assertThat(dict.lookup("192.0.2.3")).isEqualTo(LookupResult.found("REL"));
        assertThat(dict.name()).isEqualTo("rel.cidr");
    }

    @Test
    void loadShouldWarnAboutLeadingWhitespaceOnFirstLine(@TempDir Path dir) throws Exception {
        CidrDict dict = table(dir, "  192.0.2.0/24 LOST", "192.0.2.0/24 KEPT");
        assertThat(dict.lookup("192.0.2.1")).isEqualTo(LookupResult.found("KEPT"));
        assertThat(warnings).singleElement().asString().contains("line 1: logical line must not start with whitespace");
    }

    record TestContext(Path configDirectory) implements org.postern.api.dict.DictContext {
        @Override
        public org.postern.api.dict.DictRegistry registry() {
            throw new UnsupportedOperationException("cidr tables do not nest");
        }

        @Override
        public void warn(String message) {
            throw new AssertionError("the test passes its own warning sink: " + message);
        }
    }
}
