// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.message.DsnRequest;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.report.ReportHeader;
import org.postern.tlsrpt.report.ReportIds;
import org.postern.tlsrpt.report.ReportJson;
import org.postern.tlsrpt.send.DkimSigner;
import org.postern.tlsrpt.send.HttpsPoster;
import org.postern.tlsrpt.send.ReportAddress;
import org.postern.tlsrpt.send.ReportMessage;
import org.postern.tlsrpt.send.TlsRptRecord;
import org.postern.tlsrpt.store.DeliveryRecord;
import org.postern.tlsrpt.store.TlsRptStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Sends one report: the allow list, the domain's TLSRPT record, the claim (one node
 *           sends), the JSON, then every rua of the record.
 * DESCRIPTION
 *   A report waits for the next run while something is temporarily missing: the allow-list
 *   table, DNS, the DKIM key, the queue. A domain that does not take reports (not allowed, no
 *   or an invalid record) is claimed with that reason, so it is not asked again. Every rua gets
 *   the report independently: a mailto: is queued through MessageSubmitter (retried and logged
 *   like any mail), an https: is POSTed and retried after tlsrpt_https_retry_delays; neither
 *   one's success or failure stops the others.
 */
final class ReportSender {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");

    /** What became of one report. */
    record Outcome(ReportKey report, boolean finished, String text) {
    }

    /** The services a run needs; each may be absent while its bundle is being replaced. */
    record Services(Optional<DnsResolver> dns, Optional<MessageSubmitter> submitter,
                    Optional<org.postern.api.dict.DictRegistry> tables) {
    }

    private final TlsRptStore store;
    private final ScheduledExecutorService retries;
    private final Clock clock;

    ReportSender(TlsRptStore store, ScheduledExecutorService retries, Clock clock) {
        this.store = store;
        this.retries = retries;
        this.clock = clock;
    }

    Outcome send(ReportKey key, TlsRptSettings settings, Services services) throws IOException {
        if (services.tables().isEmpty() || services.dns().isEmpty()) {
            return waiting(key, "no table registry or DNS resolver service yet");
        }
        AllowList.Verdict allowed = new AllowList(settings.allowList(), services.tables().get()).check(key.policyDomain());
        if (allowed.allowed().isEmpty()) {
            return waiting(key, "smtp_tlsrpt_allow_list lookup failed: " + allowed.reason());
        }
        if (!allowed.allowed().get()) {
            return skipped(key, allowed.reason());
        }
        DnsResult txt = services.dns().get().lookup("_smtp._tls." + key.policyDomain(), DnsRecordType.TXT);
        if (txt instanceof DnsResult.TemporaryFailure t) {
            return waiting(key, "TLSRPT record lookup failed: " + t.reason());
        }
        List<String> texts = txt instanceof DnsResult.Answer a ? a.records().stream().map(DnsRecord::data).toList()
                : List.of();
        StringBuilder problem = new StringBuilder();
        Optional<TlsRptRecord> record = TlsRptRecord.select(texts, problem);
        if (record.isEmpty()) {
            return skipped(key, problem.toString());
        }
        Optional<DkimSigner> signer;
        try {
            signer = signer(settings);
        } catch (IOException e) {
            return waiting(key, "DKIM key: " + e.getMessage());
        }
        boolean wantsMail = record.get().addresses().stream().anyMatch(ReportAddress::isMail);
        if (wantsMail && services.submitter().isEmpty()) {
            return waiting(key, "no MessageSubmitter service yet");
        }
        String reportId = ReportIds.next(key, settings.submitter());
        if (!store.claim(key, reportId)) {
            return new Outcome(key, true, "already reported (by another node or an earlier run)");
        }
        ReportHeader header = settings.header(reportId);
        DayCounts counts = store.counts(key);
        byte[] gzipped = ReportJson.gzip(ReportJson.build(key, counts, header));
        List<String> results = new ArrayList<>();
        for (ReportAddress address : record.get().addresses()) {
            results.add(address + ": " + (address.isMail()
                    ? mail(key, header, gzipped, address, settings, signer, services.submitter().get())
                    : post(key, reportId, gzipped, address, settings, 0)));
        }
        LOG.info("TLSRPT report {} for {} ({} sessions): {}", reportId, key, counts.sessions(), String.join(", ", results));
        return new Outcome(key, true, "report " + reportId + ": " + String.join(", ", results));
    }

    /** The report as it would be sent now, with a report-id made for the occasion. */
    ObjectNode preview(ReportKey key, TlsRptSettings settings) throws IOException {
        return ReportJson.build(key, store.counts(key), settings.header(ReportIds.next(key, settings.submitter())));
    }

    private String mail(ReportKey key, ReportHeader header, byte[] gzipped, ReportAddress address,
                        TlsRptSettings settings, Optional<DkimSigner> signer, MessageSubmitter submitter)
            throws IOException {
        String detail;
        boolean queued = false;
        try {
            byte[] message = ReportMessage.build(key, header, gzipped, settings.sender(), address.mailbox(),
                    clock.instant(), signer);
            String queueId = submitter.submit(settings.sender(),
                    List.of(new Recipient(address.mailbox(), "", Set.of(Recipient.DsnNotify.FAILURE))),
                    content(message), DsnRequest.NONE);
            detail = "queued as " + queueId;
            queued = true;
        } catch (IOException | GeneralSecurityException e) {
            detail = "not queued: " + e.getMessage();
        }
        store.recordDelivery(new DeliveryRecord(key, header.reportId(), address.uri(), clock.instant(), queued, detail));
        return detail;
    }

    /** POST number {@code attempt} (0 = the first); failures are tried again after the configured delays. */
    private String post(ReportKey key, String reportId, byte[] gzipped, ReportAddress address,
                        TlsRptSettings settings, int attempt) {
        HttpsPoster.Outcome outcome;
        try {
            outcome = new HttpsPoster(settings.httpsTimeout(), settings.httpsCaFile()).post(URI.create(address.uri()), gzipped);
        } catch (IOException | RuntimeException e) {
            outcome = new HttpsPoster.Outcome(false, e.getMessage());
        }
        List<Duration> delays = settings.httpsRetryDelays();
        String detail = outcome.detail() + (outcome.delivered() || attempt >= delays.size() ? ""
                : "; retry in " + delays.get(attempt).toSeconds() + "s");
        try {
            store.recordDelivery(new DeliveryRecord(key, reportId, address.uri(), clock.instant(), outcome.delivered(), detail));
        } catch (IOException e) {
            LOG.warn("warning: TLSRPT store: cannot record the delivery to {}: {}", address, e.toString());
        }
        if (!outcome.delivered()) {
            LOG.warn("warning: TLSRPT report {} for {} to {}: {}", reportId, key, address, detail);
            if (attempt < delays.size()) {
                retries.schedule(() -> post(key, reportId, gzipped, address, settings, attempt + 1),
                        delays.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (attempt > 0) {
            LOG.info("TLSRPT report {} for {} to {}: {}", reportId, key, address, detail);
        }
        return detail;
    }

    private Outcome waiting(ReportKey key, String why) {
        LOG.warn("warning: TLSRPT report for {} waits: {}", key, why);
        return new Outcome(key, false, "waits: " + why);
    }

    private Outcome skipped(ReportKey key, String why) throws IOException {
        store.claim(key, "none: " + why);
        LOG.info("TLSRPT: no report for {}: {}", key, why);
        return new Outcome(key, true, "no report: " + why);
    }

    private static Optional<DkimSigner> signer(TlsRptSettings settings) throws IOException {
        if (settings.dkimKeyFile().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DkimSigner(settings.dkimDomain(), settings.dkimSelector(),
                DkimSigner.readKey(settings.dkimKeyFile().get())));
    }

    private static MessageContent content(byte[] message) {
        return new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(message);
            }

            @Override
            public long size() {
                return message.length;
            }
        };
    }
}
