// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import org.postern.api.dict.LookupResult;

class PcreDictTest {

    private final List<String> warnings = new ArrayList<>();

    private PatternDict pcre(Path file) throws DictException {
        return PatternDict.open(PatternDict.Dialect.PCRE, file.toString(), Set.of(), null, warnings::add);
    }

    private PatternDict table(Path dir, String... lines) throws IOException, DictException {
        Path file = dir.resolve("t.pcre");
        Files.write(file, List.of(lines));
        return pcre(file);
    }

    // pcre_table(5), EXAMPLE SMTPD ACCESS MAP (lookahead, ${n}, multi-line result).
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "list-outgoing@example.com | 550 Use list@example.com instead",
        "friend@elsewhere | 550 Stick this in your pipe friend@elsewhere",
        "noddy@my.domain | 550 This user is a funny one. You really don't want to send mail to"
                + " them as it only makes their head spin.",
        "Subject: make money fast | REJECT",
    })
    void lookupShouldReturnResultOfFirstMatchingRule(String key, String value) throws DictException {
        assertThat(pcre(PatternDictTest.resource("access.pcre")).lookup(key)).isEqualTo(LookupResult.found(value));
    }

    @ParameterizedTest
    @CsvSource({"owner-list-outgoing@example.com", "friend@my.domain"})
    void lookupShouldHonourNegativeLookahead(String key) throws DictException {
        assertThat(pcre(PatternDictTest.resource("access.pcre")).lookup(key)).isEqualTo(LookupResult.notFound());
    }

    @Test
    void flagsShouldToggleAsPcreTableDescribes(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir,
                "/^case$/i CS",
                "/^c.d$/s NO-DOTALL",
                "/^a.b$/ DOTALL",
                "/^line$/m MULTILINE",
                "/^e f$/x EXTENDED",
                "/^eg[ ]h$/x CLASS-SPACE-KEPT",
                "/^anch/A ANCHORED",
                "/end$/E DOLLAR-ENDONLY",
                "/^(u+)/U UNGREEDY $1",
                "/^(v+?)/U UNGREEDY-LAZY $1",
                "/^x$/X OBSOLETE");
        assertThat(dict.lookup("case")).isEqualTo(LookupResult.found("CS"));
        assertThat(dict.lookup("CASE")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("c.d")).isEqualTo(LookupResult.found("NO-DOTALL"));
        assertThat(dict.lookup("c\nd")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("a\nb")).isEqualTo(LookupResult.found("DOTALL"));
        assertThat(dict.lookup("x\nline")).isEqualTo(LookupResult.found("MULTILINE"));
        assertThat(dict.lookup("ef")).isEqualTo(LookupResult.found("EXTENDED"));
        assertThat(dict.lookup("eg h")).isEqualTo(LookupResult.found("CLASS-SPACE-KEPT"));
        assertThat(dict.lookup("anchor")).isEqualTo(LookupResult.found("ANCHORED"));
        assertThat(dict.lookup("xanch")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("end")).isEqualTo(LookupResult.found("DOLLAR-ENDONLY"));
        assertThat(dict.lookup("end\n")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("uuu")).isEqualTo(LookupResult.found("UNGREEDY u"));
        assertThat(dict.lookup("vvv")).isEqualTo(LookupResult.found("UNGREEDY-LAZY vvv"));
        assertThat(dict.lookup("x")).isEqualTo(LookupResult.found("OBSOLETE"));
        assertThat(warnings).singleElement().asString().endsWith("line 11: ignoring obsolete regexp option \"X\"");
    }

    @Test
    void lookupShouldSupportPcreSyntaxJavaSpellsDifferently(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir,
                "/^(?P<n>k)(?P=n)$/ NAMED $1",
                "/^lit{$/ LITERAL-BRACE",
                "/^(?#comment)cm$/ COMMENT",
                "/^[[:digit:][:^alpha:]]+z$/ POSIX-CLASS",
                "/^\\Qa.b\\E!$/ QUOTED");
        assertThat(dict.lookup("kk")).isEqualTo(LookupResult.found("NAMED k"));
        assertThat(dict.lookup("lit{")).isEqualTo(LookupResult.found("LITERAL-BRACE"));
        assertThat(dict.lookup("cm")).isEqualTo(LookupResult.found("COMMENT"));
        assertThat(dict.lookup("1-2z")).isEqualTo(LookupResult.found("POSIX-CLASS"));
        assertThat(dict.lookup("a.b!")).isEqualTo(LookupResult.found("QUOTED"));
        assertThat(dict.lookup("axb!")).isEqualTo(LookupResult.notFound());
        assertThat(warnings).isEmpty();
    }

    @Test
    void loadShouldWarnAndSkipPatternThatDoesNotCompile(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^bad(/ X", "/^good$/ G");
        assertThat(warnings).singleElement().asString().contains("line 1: error in regex \"^bad(\"")
                .endsWith(": skipping this rule");
        assertThat(dict.lookup("good")).isEqualTo(LookupResult.found("G"));
    }

    /** Postfix 3.7 (PCRE2): "postmap -q - pcre:t.pcre" answers DEEP (PatternDictPostmapTest checks it). */
    @Test
    void lookupShouldMatchADeeplyRepeatedGroupAsPcreDoes(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^(a|b)*$/ DEEP");
        assertThat(dict.lookup("ab".repeat(200_000))).isEqualTo(LookupResult.found("DEEP"));
        assertThat(dict.lookup("ab".repeat(200_000) + "c")).isEqualTo(LookupResult.notFound());
        assertThat(warnings).isEmpty();
    }

    /**
     * What PCRE's match limit does in Postfix ("warning: pcre map t.pcre, line 1: match limit
     * exceeded", then the next rule answers), for a match too deep even for the big stack:
     * here a 1 MB one.
     */
    @Test
    void aMatchTooDeepEvenForTheBigStackShouldBeWarnedAboutAndNotMatch(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^(a|b)*$/ DEEP", "/a/ NEXT").withDeepStack(1 << 20);
        assertThat(dict.lookup("ab".repeat(200_000))).isEqualTo(LookupResult.found("NEXT"));
        assertThat(warnings).containsExactly("pcre map " + dir.resolve("t.pcre") + ", line 1: match limit exceeded");
    }
}
