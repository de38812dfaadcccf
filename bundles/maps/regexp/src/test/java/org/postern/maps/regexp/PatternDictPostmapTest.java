// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.api.dict.LookupResult;

/**
 * Differential test: the same keys through PatternDict and through Postfix's own "postmap -q".
 * Skipped when /usr/sbin/postmap is absent, unless -Dpostern.itest.requireServices=true.
 * postmap -q only reads the table; no Postfix daemon is started or contacted.
 */
class PatternDictPostmapTest {
    private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

    @BeforeAll
    static void requirePostmap() {
        boolean present = Files.isExecutable(POSTMAP);
        if (!present && Boolean.getBoolean("postern.itest.requireServices")) {
            throw new IllegalStateException("postern.itest.requireServices=true but " + POSTMAP + " is missing");
        }
        Assumptions.assumeTrue(present, "skipped: " + POSTMAP + " (Postfix) is not installed");
    }

    static Stream<Arguments> cases() {
        List<String> regexpKeys = List.of("ab", "AB", "CASE", "case", "caseins", "CASEINS", "sp ace", "trail", "cont",
                "dollar", "neg", "negx", "zz", "zq", "q", "qr", "a\nb", "axb", "xx", "yy", "y{2}", "z+", "ww", "w+",
                "gg", "GG", "]x]", "a\\", "word", "a word", "swordfish", "nothing");
        List<String> accessKeys = List.of("a%b@c", "postmaster@x", "list-outgoing@example.com",
                "owner-list-outgoing@example.com", "Subject: Make Money Fast", "To: friend@public.com",
                "To: friend@publicxcom", "friend@my.domain", "friend@elsewhere", "noddy@my.domain",
                "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij0123", "short");
        List<String> pcreKeys = List.of("ab", "case", "CASE", "c\nd", "c.d", "a\nb", "x\nline", "e f", "ef",
                "eg h", "anchor", "xanch", "end\n", "end", "uuu", "vvv", "x", "y12", "12z", "kk", "lit{", "cm",
                "qqq", "qqqq", "a.b!", "axb!", "r", "rs", "neg", "flag");
        return Stream.of(
                regexpKeys.stream().map(k -> Arguments.of("regexp", "mixed.regexp", k)),
                accessKeys.stream().map(k -> Arguments.of("regexp", "access.regexp", k)),
                accessKeys.stream().map(k -> Arguments.of("pcre", "access.pcre", k)),
                pcreKeys.stream().map(k -> Arguments.of("pcre", "mixed.pcre", k)))
                .flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}:{1} {2}")
    @MethodSource("cases")
    void lookupShouldAgreeWithPostmap(String type, String file, String key) throws Exception {
        Path table = PatternDictTest.resource(file);
        PatternDict.Dialect dialect = type.equals("pcre") ? PatternDict.Dialect.PCRE : PatternDict.Dialect.REGEXP;
        LookupResult ours = PatternDict.open(dialect, table.toString(), Set.of(), null, w -> { }).lookup(key);
        assertThat(ours).isEqualTo(postmap(key, type + ":" + table));
    }

    /** A key too long for the command line (postmap -q - reads it from stdin) that java.util.regex needs a deep stack for. */
    @Test
    void deeplyRepeatedGroupShouldAgreeWithPostmap(@TempDir Path dir) throws Exception {
        Path table = Files.writeString(dir.resolve("deep.pcre"), "/^(a|b)*$/ DEEP\n");
        String key = "ab".repeat(200_000);
        Process p = new ProcessBuilder(POSTMAP.toString(), "-q", "-", "pcre:" + table)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            in.write((key + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        String postmap = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(postmap).isEqualTo(key + "\tDEEP\n");
        assertThat(PatternDict.open(PatternDict.Dialect.PCRE, table.toString(), Set.of(), null, w -> { }).lookup(key))
                .isEqualTo(LookupResult.found("DEEP"));
    }

    static LookupResult postmap(String key, String spec) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(POSTMAP.toString(), "-q", key, spec)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        return switch (p.exitValue()) {
            case 0 -> LookupResult.found(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            case 1 -> LookupResult.notFound();
            default -> LookupResult.temporaryFailure("postmap exit " + p.exitValue());
        };
    }
}
