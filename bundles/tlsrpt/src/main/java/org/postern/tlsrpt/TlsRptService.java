// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.config.MainConfiguration;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;
import org.postern.api.parameter.ParameterException;
import org.postern.api.tls.TlsReportSink;
import org.postern.api.tls.TlsReporting;
import org.postern.api.tls.TlsSessionResult;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.report.ReportJson;
import org.postern.tlsrpt.store.DeliveryRecord;
import org.postern.tlsrpt.store.StoreSpec;
import org.postern.tlsrpt.store.TlsRptStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The TLSRPT generator (RFC 8460): counts every outbound TLS session result the smtp
 *           client reports, and once a day sends each policy domain its report.
 * DESCRIPTION
 *   The {@link TlsReportSink} hands results to {@link ResultRecorder}; {@link CountFlusher}
 *   moves them into the store every second; {@link DailyRun} says when {@link ReportSender}
 *   sends the days before today; {@link TlsReporting} serves tlsrpt-show, -send and -status.
 *   One thread does the flushing, the daily run and the https retries. main.cf is read at each
 *   step, so a reload applies without restarting the bundle; tlsrpt_store is read at start.
 *   Stopping (feature:uninstall, bundle:update) saves what was counted; the next start finds it.
 */
@Component(service = {TlsReportSink.class, TlsReporting.class}, immediate = true)
public final class TlsRptService implements TlsReportSink, TlsReporting {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");

    private final MainConfiguration main;
    private final Clock clock = Clock.systemUTC();
    private final ResultRecorder recorder = new ResultRecorder();
    private final DailyRun daily = new DailyRun(clock);
    private final ScheduledExecutorService worker;
    private final TlsRptStore store;
    private final CountFlusher flusher;
    private final ReportSender sender;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MessageSubmitter submitter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DictRegistry tables;

    @Activate
    public TlsRptService(@Reference MainConfiguration main) {
        this.main = main;
        TlsRptSettings settings = settings();
        recorder.enable(settings.enabled());
        Path data = Path.of(System.getProperty("karaf.data", "data"), "postern").toAbsolutePath();
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"), "postern").toAbsolutePath();
        this.store = StoreSpec.open(settings.store(), data, etc);
        this.flusher = new CountFlusher(recorder, store);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "postern-tlsrpt");
            t.setDaemon(true);
            return t;
        });
        this.sender = new ReportSender(store, worker, clock);
        worker.scheduleWithFixedDelay(this::everySecond, 1, 1, TimeUnit.SECONDS);
        LOG.info("TLSRPT reporting {}; store {}", settings.enabled() ? "on" : "off (smtp_tlsrpt_enable = no)",
                settings.store());
    }

    @Deactivate
    public void deactivate() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!flusher.flush()) {
            LOG.warn("warning: TLSRPT counts of the last second could not be saved");
        }
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("warning: TLSRPT store close: {}", e.toString());
        }
    }

    @Override
    public void sessionCompleted(TlsSessionResult result) {
        recorder.sessionCompleted(result);
    }

    private void everySecond() {
        try {
            flusher.flush();
            TlsRptSettings settings = settings();
            recorder.enable(settings.enabled());
            if (daily.due(settings.sendTime(), settings.sendJitter())) {
                sendAll(Optional.empty(), Optional.empty(), settings, null);
                store.purgeBefore(today().minusDays(settings.retention().toDays()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("warning: TLSRPT: {}", e.toString());
        }
    }

    @Override
    public int show(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        try {
            TlsRptSettings settings = settings();
            flusher.flush();
            List<ReportKey> keys = selected(policyDomain, day);
            if (keys.isEmpty()) {
                err.println("tlsrpt-show: no counts waiting to be reported" + selection(policyDomain, day));
                return 1;
            }
            for (ReportKey key : keys) {
                out.println(ReportJson.pretty(sender.preview(key, settings)));
            }
            return 0;
        } catch (IOException | ParameterException e) {
            err.println("tlsrpt-show: fatal: " + e.getMessage());
            return 75;
        }
    }

    @Override
    public int send(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        if (day.isPresent() && !day.get().isBefore(today())) {
            err.println("tlsrpt-send: fatal: " + day.get() + " is not over yet (UTC); its report would be incomplete");
            return 64;
        }
        try {
            TlsRptSettings settings = settings();
            flusher.flush();
            return sendAll(policyDomain, day, settings, out);
        } catch (IOException | ParameterException e) {
            err.println("tlsrpt-send: fatal: " + e.getMessage());
            return 75;
        }
    }

    @Override
    public int status(PrintWriter out, PrintWriter err) {
        try {
            flusher.flush();
            for (ReportKey key : store.unclaimed(Optional.empty())) {
                out.println("pending: " + key + " (" + store.counts(key).sessions() + " sessions)");
            }
            for (DeliveryRecord d : store.lastDeliveries()) {
                out.println((d.delivered() ? "delivered: " : "failed: ") + d.report() + " " + d.rua() + " "
                        + d.time() + " " + d.detail());
            }
            return 0;
        } catch (IOException e) {
            err.println("tlsrpt-status: fatal: " + e.getMessage());
            return 75;
        }
    }

    /** Sends the selected reports of days before today; 0 when all are done, 75 when some wait, 1 when there were none. */
    private int sendAll(Optional<String> policyDomain, Optional<LocalDate> day, TlsRptSettings settings,
                        PrintWriter out) throws IOException {
        List<ReportKey> keys = selected(policyDomain, day).stream().filter(k -> k.day().isBefore(today())).toList();
        if (keys.isEmpty() && out != null) {
            out.println("tlsrpt-send: no counts waiting to be reported" + selection(policyDomain, day));
            return 1;
        }
        ReportSender.Services services = new ReportSender.Services(Optional.ofNullable(dns),
                Optional.ofNullable(submitter), Optional.ofNullable(tables));
        boolean waiting = false;
        for (ReportKey key : keys) {
            ReportSender.Outcome outcome = sender.send(key, settings, services);
            waiting |= !outcome.finished();
            if (out != null) {
                out.println(key + ": " + outcome.text());
            }
        }
        return waiting ? 75 : 0;
    }

    private List<ReportKey> selected(Optional<String> policyDomain, Optional<LocalDate> day) throws IOException {
        Optional<LocalDate> before = day.isPresent() ? Optional.empty() : Optional.of(today());
        return store.unclaimed(before).stream()
                .filter(k -> policyDomain.isEmpty() || k.policyDomain().equals(policyDomain.get()))
                .filter(k -> day.isEmpty() || k.day().equals(day.get()))
                .toList();
    }

    private static String selection(Optional<String> policyDomain, Optional<LocalDate> day) {
        return policyDomain.map(d -> " for " + d).orElse("") + day.map(d -> " on " + d).orElse(" before today (UTC)");
    }

    private LocalDate today() {
        return clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
    }

    private TlsRptSettings settings() {
        ServiceSettings s = main.settings().orElse(name -> null);
        return TlsRptSettings.of(s);
    }
}
