// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

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

class PatternDictTest {

    private final List<String> warnings = new ArrayList<>();

    static Path resource(String name) {
        try {
            return Path.of(PatternDictTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private PatternDict regexp(Path file) throws DictException {
        return PatternDict.open(PatternDict.Dialect.REGEXP, file.toString(), Set.of(DictFlag.FOLD_CASE), null, warnings::add);
    }

    private PatternDict table(Path dir, String... lines) throws IOException, DictException {
        Path file = dir.resolve("t.regexp");
        Files.write(file, List.of(lines));
        return regexp(file);
    }

    // regexp_table(5), EXAMPLE SMTPD ACCESS MAP and EXAMPLE HEADER/BODY FILTER MAP.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "user%host@relay | 550 Sender-specified routing rejected",
        "postmaster@example.com | OK",
        "list-outgoing@example.com | 550 Use list@example.com instead",
        "Subject: make money fast | REJECT",
        "subject: MAKE MONEY FAST now | REJECT",
        "To: friend@public.com | REJECT",
        "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij0123 | OK",
    })
    void lookupShouldReturnResultOfFirstMatchingRule(String key, String value) throws DictException {
        assertThat(regexp(resource("access.regexp")).lookup(key)).isEqualTo(LookupResult.found(value));
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"owner-list-outgoing@example.com", "To: friend@publicXcom", "user@example.com"})
    void lookupShouldReturnNotFoundWhenNoRuleMatches(String key) throws DictException {
        assertThat(regexp(resource("access.regexp")).lookup(key)).isEqualTo(LookupResult.notFound());
    }

    @Test
    void openShouldReportPatternFlagAndIgnoreFoldCase() throws DictException {
        PatternDict dict = regexp(resource("access.regexp"));
        assertThat(dict.flags()).contains(DictFlag.PATTERN, DictFlag.READ_ONLY).doesNotContain(DictFlag.FIXED);
        assertThat(dict.type()).isEqualTo("regexp");
        // FOLD_CASE does not lower-case keys of pattern tables: $n keeps the sender's spelling.
        assertThat(dict.lookup("List-Outgoing@Example.COM")).isEqualTo(LookupResult.found("550 Use List@Example.COM instead"));
    }

    @Test
    void loadShouldSkipMalformedLinesWithFileAndLineAndKeepOthers() throws DictException {
        PatternDict dict = regexp(resource("mixed.regexp"));
        String at = "regexp map " + resource("mixed.regexp") + ", line ";
        assertThat(warnings).hasSize(6);
        assertThat(warnings.get(0)).startsWith(at + "3: error in regex \"^bad(\"").endsWith(": skipping this rule");
        assertThat(warnings.get(1)).isEqualTo(at + "5: unknown regexp option \"(\": skipping this rule");
        assertThat(warnings.get(2)).isEqualTo(at + "9: unknown regexp option \"q\": skipping this rule");
        assertThat(warnings.get(3)).isEqualTo(at + "12: empty macro name: \"a$\": bad replacement syntax: skipping this rule");
        assertThat(warnings.get(4)).isEqualTo(at + "13: non-numeric replacement index \"x\": bad replacement syntax: skipping this rule");
        assertThat(warnings.get(5)).isEqualTo(at + "14: ignoring unrecognized request: skipping this rule");
        assertThat(dict.lookup("cont")).isEqualTo(LookupResult.found("a b"));
        assertThat(dict.lookup("zz")).isEqualTo(LookupResult.found("ZZ"));
    }

    @Test
    void lookupShouldSubstituteGroupsInEveryNotation(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^(a)(b)$/ r=$1-${2}-$(1)-$$", "/^(q)(r)?$/ q[$2]");
        assertThat(dict.lookup("ab")).isEqualTo(LookupResult.found("r=a-b-a-$"));
        assertThat(dict.lookup("AB")).isEqualTo(LookupResult.found("r=A-B-A-$"));
        assertThat(dict.lookup("q")).isEqualTo(LookupResult.found("q[]"));
    }

    @Test
    void flagIShouldToggleToCaseSensitive(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^case$/i SENSITIVE", "/^other$/ INSENSITIVE");
        assertThat(dict.lookup("case")).isEqualTo(LookupResult.found("SENSITIVE"));
        assertThat(dict.lookup("CASE")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("OTHER")).isEqualTo(LookupResult.found("INSENSITIVE"));
    }

    @Test
    void flagMShouldMakeAnchorsMatchAtNewlinesAndDotStopThere(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^b$/m LINE", "/a.b/ DOT-NEWLINE", "/x.y/m DOT-NO-NEWLINE", "/c[^d]e/m CLASS");
        assertThat(dict.lookup("a\nb")).isEqualTo(LookupResult.found("LINE"));
        assertThat(dict.lookup("a\nc")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("za\nbz")).isEqualTo(LookupResult.found("DOT-NEWLINE"));
        assertThat(dict.lookup("x\ny")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("c\ne")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void flagXShouldSwitchToBasicRegularExpressions(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "/^z+$/x LITERAL-PLUS", "/^w\\+$/x GNU-PLUS", "/^\\(g\\)\\1$/x BACKREF $1",
                "/^y\\{2\\}$/x INTERVAL", "/^(p)$/x PARENS");
        assertThat(dict.lookup("z+")).isEqualTo(LookupResult.found("LITERAL-PLUS"));
        assertThat(dict.lookup("zz")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("www")).isEqualTo(LookupResult.found("GNU-PLUS"));
        assertThat(dict.lookup("gg")).isEqualTo(LookupResult.found("BACKREF g"));
        assertThat(dict.lookup("yy")).isEqualTo(LookupResult.found("INTERVAL"));
        assertThat(dict.lookup("(p)")).isEqualTo(LookupResult.found("PARENS"));
    }

    @Test
    void lookupShouldHonourAnyDelimiterAndEscapedDelimiter(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "%^a/b$% SLASH", "/^c\\/d$/ ESCAPED", "~^[[:alnum:]+/]{3}$~ TILDE");
        assertThat(dict.lookup("a/b")).isEqualTo(LookupResult.found("SLASH"));
        assertThat(dict.lookup("c/d")).isEqualTo(LookupResult.found("ESCAPED"));
        assertThat(dict.lookup("a+/")).isEqualTo(LookupResult.found("TILDE"));
        assertThat(dict.lookup("a:/")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldUseNegatedRuleOnlyWhenPatternDoesNotMatch(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "!/^owner-/ NOT-OWNER $$5", "/./ OWNER");
        assertThat(dict.lookup("list")).isEqualTo(LookupResult.found("NOT-OWNER $5"));
        assertThat(dict.lookup("owner-list")).isEqualTo(LookupResult.found("OWNER"));
    }

    @Test
    void loadShouldSkipNegatedRuleWithSubstitution(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "!/^(x)$/ NEG $1", "/^y$/ Y");
        assertThat(warnings).singleElement().asString()
                .endsWith("line 1: $number found in negative match replacement text: skipping this rule");
        assertThat(dict.lookup("z")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldEnterNestedIfBlocksOnlyWhenTheyMatch(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir,
                "if /@example\\.com$/",
                "if !/^postmaster@/",
                "/^(.*)@/ USER $1",
                "endif",
                "/./ POSTMASTER",
                "endif",
                "/./ ELSEWHERE");
        assertThat(dict.lookup("joe@example.com")).isEqualTo(LookupResult.found("USER joe"));
        assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("POSTMASTER"));
        assertThat(dict.lookup("joe@example.org")).isEqualTo(LookupResult.found("ELSEWHERE"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void loadShouldWarnAboutUnbalancedIfAndEndif(@TempDir Path dir) throws Exception {
        PatternDict dict = table(dir, "endif", "if /^a/ extra", "/^ab$/ AB");
        assertThat(warnings).containsExactly(
                "regexp map " + dir.resolve("t.regexp") + ", line 1: ignoring ENDIF without matching IF",
                "regexp map " + dir.resolve("t.regexp") + ", line 2: ignoring extra text after IF statement: \"extra\"",
                "regexp map " + dir.resolve("t.regexp") + ", line 2: IF has no matching ENDIF");
        assertThat(dict.lookup("ab")).isEqualTo(LookupResult.found("AB"));
    }

    @Test
    void openShouldFailNamingFileAndLineWhenResultIsEmpty(@TempDir Path dir) {
        assertThatThrownBy(() -> table(dir, "/^ok$/ OK", "/^nores$/", "/^x$/   "))
                .isInstanceOf(DictException.class)
                .hasMessageContaining("t.regexp, line 2: empty result value")
                .hasMessageContaining("t.regexp, line 3: empty result value")
                .satisfies(e -> assertThat(((DictException) e).isTemporary()).isFalse());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/^(a)$/ $2 | out of range replacement index \"2\"",
        "/^a$/ ${1} | out of range replacement index \"1\"",
        "/^(a)$/ $0 | out of range replacement index \"0\"",
        "/^a(b)(c)?$/ $3 | out of range replacement index \"3\"",
    })
    void openShouldFailWhenResultReferencesMissingGroup(String line, String why, @TempDir Path dir) {
        assertThatThrownBy(() -> table(dir, line))
                .isInstanceOf(DictException.class)
                .hasMessageContaining("line 1: " + why);
    }

    @Test
    void openShouldReadInlineRules() throws DictException {
        PatternDict dict = PatternDict.open(PatternDict.Dialect.REGEXP, "{ {/^a(.)/ A$1}, { /^b/ B with, comma } }",
                Set.of(), null, warnings::add);
        assertThat(dict.lookup("ax")).isEqualTo(LookupResult.found("Ax"));
        assertThat(dict.lookup("b")).isEqualTo(LookupResult.found("B with, comma"));
    }

    @Test
    void openShouldFailWhenFileIsMissing(@TempDir Path dir) {
        assertThatThrownBy(() -> regexp(dir.resolve("nope"))).isInstanceOf(DictException.class)
                .hasMessageContaining("No such file");
    }

    @Test
    void factoriesShouldOpenTheirOwnDialect(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("t"), List.of("/^a.b$/ DOT"));
        var regexp = new RegexpDictFactory().open(dir.resolve("t").toString(), Set.of(), new WarningContext(dir));
        var pcre = new PcreDictFactory().open(dir.resolve("t").toString(), Set.of(), new WarningContext(dir));
        assertThat(regexp.type()).isEqualTo("regexp");
        assertThat(pcre.type()).isEqualTo("pcre");
        assertThat(pcre.lookup("a\nb")).isEqualTo(LookupResult.found("DOT"));
    }

    @Test
    void factoryShouldReportBadLinesThroughItsContext(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("t"), List.of("/(unclosed/ X", "/ok/ OK"));
        WarningContext context = new WarningContext(dir);

        var dict = new RegexpDictFactory().open(dir.resolve("t").toString(), Set.of(), context);

        assertThat(dict.lookup("ok")).isEqualTo(LookupResult.found("OK"));
        assertThat(context.warnings).singleElement().asString().contains("line 1");
    }

    /** Collects what a factory reports through {@link org.postern.api.dict.DictContext#warn}. */
    record WarningContext(Path configDirectory, List<String> warnings) implements org.postern.api.dict.DictContext {
        WarningContext(Path configDirectory) {
            this(configDirectory, new java.util.ArrayList<>());
        }

        @Override
        public org.postern.api.dict.DictRegistry registry() {
            throw new UnsupportedOperationException("regexp tables do not nest");
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    }
}
