// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.tlsrpt.counts.ReportKey;

/** The one-node file store: the store contract in a temporary directory, and its crash cases. */
class FileStoreTest extends TlsRptStoreContract {

    @TempDir
    Path dir;

    @Override
    protected TlsRptStore open() throws IOException {
        return new FileStore(dir.resolve("tlsrpt"));
    }

    @Override
    protected boolean sharedBetweenNodes() {
        return false;
    }

    private Path dayFile() {
        return dir.resolve("tlsrpt/counts/" + DAY + ".jsonl");
    }

    /** What kill -9 in the middle of an append leaves: the start of a line, no newline. */
    private static void appendCutShort(Path file) throws IOException {
        Files.writeString(file, "{\"domain\":\"example.com\",\"policies\":[{\"type\":\"sts\",\"strings\":[\"vers",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void lineCutShortAtTheEndOfADayFileShouldBeSkippedAndEarlierLinesCount() throws IOException {
        TlsRptStore before = open();
        before.add(tally(EXAMPLE_COM, STS, 3, Map.of(EXPIRED, 2L)));
        before.add(tally(EXAMPLE_COM, TLSA, 1, Map.of()));
        before.close();
        appendCutShort(dayFile());

        TlsRptStore after = node();
        assertThat(summary(after.counts(EXAMPLE_COM))).containsOnly(
                Map.entry(STS, new PolicySummary(3, 2, Map.of(EXPIRED, 2L))),
                Map.entry(TLSA, new PolicySummary(1, 0, Map.of())));
        assertThat(after.unclaimed(Optional.empty())).containsExactly(EXAMPLE_COM);
    }

    @Test
    void countsAddedAfterALineCutShortShouldCount() throws IOException {
        TlsRptStore before = open();
        before.add(tally(EXAMPLE_COM, STS, 3, Map.of()));
        before.close();
        appendCutShort(dayFile());

        TlsRptStore after = node();
        after.add(tally(EXAMPLE_COM, STS, 4, Map.of(NO_STARTTLS, 1L)));
        assertThat(summary(after.counts(EXAMPLE_COM)))
                .containsOnly(Map.entry(STS, new PolicySummary(7, 1, Map.of(NO_STARTTLS, 1L))));
    }

    @Test
    void claimCutShortShouldLeaveEarlierClaimsStanding() throws IOException {
        TlsRptStore before = open();
        before.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
        before.add(tally(new ReportKey("example.net", DAY), STS, 1, Map.of()));
        assertThat(before.claim(EXAMPLE_COM, "r1")).isTrue();
        before.close();
        Files.writeString(dir.resolve("tlsrpt/claims.jsonl"), "{\"domain\":\"example.net\",\"da",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        TlsRptStore after = node();
        assertThat(after.claim(EXAMPLE_COM, "r1")).isFalse();
        assertThat(after.unclaimed(Optional.empty())).containsExactly(new ReportKey("example.net", DAY));
    }

    @Test
    void directoryAndFilesShouldBePrivate() throws IOException {
        TlsRptStore store = node();
        store.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tlsrpt"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dayFile()))).isEqualTo("rw-------");
    }
}
