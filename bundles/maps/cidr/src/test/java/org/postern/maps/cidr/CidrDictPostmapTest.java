// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.cidr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.LookupResult;

/**
 * Differential test: the same keys through CidrDict and through Postfix's own "postmap -q".
 * Skipped when /usr/sbin/postmap is absent, unless -Dpostern.itest.requireServices=true.
 * postmap -q only reads the table; it does not start or talk to a Postfix daemon.
 */
class CidrDictPostmapTest {
    private static final Path POSTMAP = Path.of("/usr/sbin/postmap");

    @BeforeAll
    static void requirePostmap() {
        boolean present = Files.isExecutable(POSTMAP);
        if (!present && Boolean.getBoolean("postern.itest.requireServices")) {
            throw new IllegalStateException("postern.itest.requireServices=true but " + POSTMAP + " is missing");
        }
        Assumptions.assumeTrue(present, "skipped: " + POSTMAP + " (Postfix) is not installed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.1.2.3", "192.0.2.77", "192.0.4.1", "::ffff:10.0.0.1", "198.51.100.1",
        "198.51.100.130", "198.51.100.200", "172.16.1.1", "172.31.255.255", "2001:db8::1", "foo", "5.6.7.8",
        "[192.0.2.1]", "0300.0250.1.1", "::FFFF:a00:1", "::"})
    void lookupShouldAgreeWithPostmap(String key) throws Exception {
        Path table = CidrDictTest.resource("mixed.cidr");
        LookupResult ours = CidrDictFactory.open(table.toString(), Set.of(), null, w -> { }).lookup(key);
        assertThat(ours).isEqualTo(postmap(key, "cidr:" + table));
    }

    static LookupResult postmap(String key, String spec) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(POSTMAP.toString(), "-q", key, spec)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
        return switch (p.exitValue()) {
            case 0 -> LookupResult.found(lines.isEmpty() ? "" : lines.get(0));
            case 1 -> LookupResult.notFound();
            default -> LookupResult.temporaryFailure("postmap exit " + p.exitValue());
        };
    }
}
