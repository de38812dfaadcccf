// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.testing.MapDictRegistry;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.postern.tlsrpt.store.DeliveryRecord;
import org.postern.tlsrpt.store.FileStore;

/**
 * The decisions before a report goes: the allow list, the TLSRPT record, the claim. DNS answers
 * come from memory here (the real resolver and DNS servers are in TlsRptIT); the store is the
 * real file store, the queue a recorder.
 */
class ReportSenderTest {

    private static final LocalDate DAY = LocalDate.of(2026, 12, 5);
    private static final ReportKey KEY = new ReportKey("example.com", DAY);

    @TempDir
    Path dir;
    private FileStore store;
    private ScheduledExecutorService retries;
    private final Map<String, DnsResult> txt = new HashMap<>();
    private final MapDictRegistry tables = new MapDictRegistry();
    private final List<String> queued = new ArrayList<>();
    private final MessageSubmitter submitter = (sender, recipients, content, dsn) -> {
        queued.add(recipients.get(0).address());
        return "Q" + queued.size();
    };
    private final Map<String, String> main = new HashMap<>(Map.of("mydomain", "sender.example"));

    @BeforeEach
    void counts() throws IOException {
        store = new FileStore(dir);
        retries = Executors.newSingleThreadScheduledExecutor();
        Tally t = new Tally();
        t.record(new TlsSessionResult(Instant.parse("2026-12-05T10:00:00Z"), "example.com", PolicyType.NO_POLICY_FOUND,
                List.of(), List.of(), "mx.example.com", "", "192.0.2.1", "198.51.100.1", Optional.empty(), ""));
        store.add(t);
    }

    @AfterEach
    void stop() {
        retries.shutdownNow();
    }

    private ReportSender.Outcome send() throws IOException {
        DnsResolver dns = (name, type) -> type == DnsRecordType.TXT ? txt.getOrDefault(name, new DnsResult.NoData(false))
                : new DnsResult.NoData(false);
        return new ReportSender(store, retries, Clock.systemUTC()).send(KEY, TlsRptSettings.of(main::get),
                new ReportSender.Services(Optional.of(dns), Optional.of(submitter), Optional.of(tables)));
    }

    private void record(String... texts) {
        List<DnsRecord> records = new ArrayList<>();
        for (String t : texts) {
            records.add(new DnsRecord("_smtp._tls.example.com", DnsRecordType.TXT, 300, 0, t));
        }
        txt.put("_smtp._tls.example.com", new DnsResult.Answer(records, false));
    }

    @Test
    void aDomainWithoutARecordGetsNoReportAndIsNotAskedAgain() throws IOException {
        ReportSender.Outcome outcome = send();
        assertThat(outcome.finished()).isTrue();
        assertThat(outcome.text()).isEqualTo("no report: no TLSRPT record");
        assertThat(store.unclaimed(Optional.empty())).isEmpty();
    }

    @Test
    void aDnsFailureLeavesTheReportForTheNextRun() throws IOException {
        txt.put("_smtp._tls.example.com", new DnsResult.TemporaryFailure("SERVFAIL"));
        ReportSender.Outcome outcome = send();
        assertThat(outcome.finished()).isFalse();
        assertThat(outcome.text()).contains("SERVFAIL");
        assertThat(store.unclaimed(Optional.empty())).containsExactly(KEY);
    }

    @Test
    void twoRecordsMeanNoReport() throws IOException {
        record("v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com");
        assertThat(send().text()).isEqualTo("no report: 2 TLSRPT records");
        assertThat(queued).isEmpty();
    }

    @Test
    void theAllowListDecidesAndAFailingTableWaits() throws IOException {
        record("v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
        main.put("smtp_tlsrpt_allow_list", "hash:/etc/postern/tlsrpt-allow");
        ReportSender.Outcome waiting = send();
        assertThat(waiting.finished()).isFalse();
        assertThat(store.unclaimed(Optional.empty())).containsExactly(KEY);

        tables.put("hash:/etc/postern/tlsrpt-allow", ".other.example", "yes");
        assertThat(send().text()).isEqualTo("no report: not in smtp_tlsrpt_allow_list");
        assertThat(queued).isEmpty();
    }

    @Test
    void aParentDomainInTheAllowListAllowsAndEveryMailtoGetsItsOwnMessage() throws IOException {
        record("v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.net");
        main.put("smtp_tlsrpt_allow_list", "hash:/etc/postern/tlsrpt-allow");
        tables.put("hash:/etc/postern/tlsrpt-allow", ".com", "yes");

        ReportSender.Outcome outcome = send();

        assertThat(outcome.text()).contains("mailto:a@example.com: queued as Q1", "mailto:b@example.net: queued as Q2");
        assertThat(queued).containsExactly("a@example.com", "b@example.net");
        assertThat(store.lastDeliveries()).extracting(DeliveryRecord::rua)
                .containsExactly("mailto:a@example.com", "mailto:b@example.net");
        assertThat(send().text()).isEqualTo("already reported (by another node or an earlier run)");
    }

    @Test
    void aFailedHttpsPostDoesNotKeepTheMailtoFromGoing() throws IOException {
        record("v=TLSRPTv1; rua=https://127.0.0.1:1/v1,mailto:r@example.com");
        main.put("tlsrpt_https_retry_delays", "");

        ReportSender.Outcome outcome = send();

        assertThat(queued).containsExactly("r@example.com");
        assertThat(store.lastDeliveries()).extracting(DeliveryRecord::rua, DeliveryRecord::delivered)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("https://127.0.0.1:1/v1", false),
                        org.assertj.core.groups.Tuple.tuple("mailto:r@example.com", true));
        assertThat(outcome.finished()).isTrue();
    }
}
