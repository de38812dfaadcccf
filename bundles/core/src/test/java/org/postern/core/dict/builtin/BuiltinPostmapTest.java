// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * Differential test: built-in tables against Postfix's own "postmap -q" (which folds keys, as
 * FOLD_CASE does). Skipped when /usr/sbin/postmap is absent, unless
 * -Dpostern.itest.requireServices=true. postmap -q starts no Postfix daemon.
 */
class BuiltinPostmapTest {
    private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

    @BeforeAll
    static void requirePostmap() {
        boolean present = Files.isExecutable(POSTMAP);
        if (!present && Boolean.getBoolean("postern.itest.requireServices")) {
            throw new IllegalStateException("postern.itest.requireServices=true but " + POSTMAP + " is missing");
        }
        Assumptions.assumeTrue(present, "skipped: " + POSTMAP + " (Postfix) is not installed");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "static:foo | anything",
        "static:{ text with spaces } | x",
        "inline:{ key=value, { key2 = text with, commas } } | key2",
        "inline:{ key=value, { key2 = text with, commas } } | KEY",
        "inline:{ Key=value } | key",
        "inline:{ key=value, key=v2 } | key",
        "inline:{ {a = b c} } | a",
        "inline:{ a=1 } | b",
        "unionmap:{inline:{a=1}, inline:{a=2,b=3}, static:s} | a",
        "unionmap:{inline:{a=1}, inline:{b=3}} | b",
        "unionmap:{inline:{a=1}, inline:{b=3}} | z",
        "pipemap:{inline:{a=b}, inline:{b=c}} | a",
        "pipemap:{inline:{a=B}, inline:{b=c}} | a",
        "pipemap:{inline:{a=b}, inline:{x=c}} | a",
        "randmap:{onlyone} | x",
        "unix:passwd.byname | root",
        "unix:passwd.byname | ROOT",
        "unix:group.byname | root",
        "unix:passwd.byname | no-such-user-here",
        "TEXTHASH | key1",
        "TEXTHASH | KEY2",
        "TEXTHASH | cont",
        "TEXTHASH | key3:",
        "TEXTHASH | \"quoted key\"",
        "TEXTHASH | novalue",
    })
    void lookupShouldAgreeWithPostmap(String spec, String key, @TempDir Path dir) throws Exception {
        if (spec.equals("TEXTHASH")) {
            Path file = dir.resolve("th.txt");
            Files.write(file, TexthashDictFactoryTest.SOURCE);
            spec = "texthash:" + file;
        }
        FactoryRegistry registry = FactoryRegistry.withBuiltins(dir)
                .with("randmap", new RandmapDictFactory())
                .with("unix", new UnixDictFactory());
        LookupResult ours = registry.openStrict(spec, Set.of(DictFlag.FOLD_CASE)).lookup(key);
        assertThat(ours).isEqualTo(postmap(key, spec));
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
