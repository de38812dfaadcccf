// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCacheTest {

    static final String POLICY = "version: STSv1\r\nmode: testing\r\nmx: *.example.test\r\nmax_age: 3600\r\n";

    @TempDir
    Path data;
    final RecordingLogger log = new RecordingLogger();

    @Test
    void anEntryShouldSurviveANewCacheAndLeaveNoTemporaryFile() throws Exception {
        Path dir = data.resolve("postern/mta-sts");
        PolicyCache.Entry entry = new PolicyCache.Entry("example.test", "abc", Instant.ofEpochSecond(1_000),
                StsPolicy.parse(POLICY));
        new PolicyCache(dir, log.logger()).put(entry);
        assertThat(new PolicyCache(dir, log.logger()).get("example.test")).contains(entry);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("example.test");
        }
        assertThat(entry.expires()).isEqualTo(Instant.ofEpochSecond(4_600));
    }

    @Test
    void aDamagedFileShouldBeIgnoredWithAWarning() throws Exception {
        Files.writeString(data.resolve("example.test"), "domain: example.test\nid: abc\nfetched: 1000\n\nversion: STSv1\nmode: enf");
        assertThat(new PolicyCache(data, log.logger()).get("example.test")).isEmpty();
        assertThat(log.containing("WARN warning: ignoring the cached MTA-STS policy " + data.resolve("example.test")))
                .hasSize(1);
    }

    @Test
    void aFileOfAnotherDomainShouldNotBeTakenForThisOne() throws Exception {
        Files.writeString(data.resolve("example.test"), "domain: other.test\nid: abc\nfetched: 1000\n\n" + POLICY);
        assertThat(new PolicyCache(data, log.logger()).get("example.test")).isEmpty();
    }

    @Test
    void onlyHostNamesShouldNameFiles() {
        assertThat(PolicyCache.cacheable("example.test")).isTrue();
        assertThat(PolicyCache.cacheable("../etc")).isFalse();
        assertThat(PolicyCache.cacheable("a/b.test")).isFalse();
        assertThat(PolicyCache.cacheable(".hidden.test")).isFalse();
        assertThat(PolicyCache.cacheable("a..b")).isFalse();
    }

    @Test
    void removeShouldDeleteTheFile() throws Exception {
        PolicyCache cache = new PolicyCache(data, log.logger());
        cache.put(new PolicyCache.Entry("example.test", "abc", Instant.ofEpochSecond(1_000), StsPolicy.parse(POLICY)));
        cache.remove("example.test");
        assertThat(data.resolve("example.test")).doesNotExist();
        assertThat(new PolicyCache(data, log.logger()).get("example.test")).isEmpty();
    }
}
