// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;

/** The sink never blocks the smtp client and never drops a result: beyond the queue, results are merged. */
class ResultRecorderTest {

    private static TlsSessionResult result(boolean ok) {
        return new TlsSessionResult(Instant.parse("2026-12-06T10:00:00Z"), "example.com", PolicyType.NO_POLICY_FOUND,
                List.of(), List.of(), "mx.example.com", "", "192.0.2.1", "198.51.100.1",
                ok ? Optional.empty() : Optional.of(FailureType.STARTTLS_NOT_SUPPORTED), "");
    }

    @Test
    void resultsBeyondTheQueueAreMergedNotDropped() {
        ResultRecorder recorder = new ResultRecorder();
        int total = ResultRecorder.CAPACITY + 1000;
        for (int i = 0; i < total; i++) {
            recorder.sessionCompleted(result(i % 10 != 0));
        }
        Tally tally = recorder.drain();
        DayCounts day = tally.days().get(new ReportKey("example.com", LocalDate.of(2026, 12, 6)));
        assertThat(day.sessions()).isEqualTo(total);
        assertThat(day.policies().values().iterator().next().failures()).isEqualTo((total + 9) / 10);   // i = 0, 10, 20 ...
        assertThat(recorder.drain().isEmpty()).isTrue();
    }

    @Test
    void nothingIsTakenWhileDisabled() {
        ResultRecorder recorder = new ResultRecorder();
        recorder.enable(false);
        recorder.sessionCompleted(result(true));
        assertThat(recorder.drain().isEmpty()).isTrue();
    }
}
