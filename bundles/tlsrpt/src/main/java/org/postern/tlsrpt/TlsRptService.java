// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 *   sends the days before today; {@link ReportCommands} serves tlsrpt-show, -send and -status.
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
    private final ReportCommands commands;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MessageSubmitter submitter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DictRegistry tables;

    /** The last warning logged by the periodic work, so a lasting problem is logged once, not every second. */
    private String lastWarning = "";

    @Activate
    public TlsRptService(@Reference MainConfiguration main) {
        this.main = main;
        TlsRptSettings settings;
        try {
            settings = settings();
        } catch (ParameterException e) {
            LOG.error("fatal: {}; TLSRPT counts with the default settings until the configuration is fixed", e.getMessage());
            settings = TlsRptSettings.of(name -> null);
        }
        recorder.enable(settings.enabled());
        Path data = Path.of(System.getProperty("karaf.data", "data"), "postern").toAbsolutePath();
        Path etc = Path.of(System.getProperty("karaf.etc", "etc"), "postern").toAbsolutePath();
        this.store = StoreSpec.open(settings.store(), data, etc);
        this.flusher = new CountFlusher(recorder, store);
        ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postern-tlsrpt");
            t.setDaemon(true);
            return t;
        });
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);   // pending https retries end with the bundle
        this.worker = thread;
        this.sender = new ReportSender(store, worker, clock);
        this.commands = new ReportCommands(store, flusher, sender, this::settings, this::services, clock);
        worker.scheduleWithFixedDelay(this::everySecond, 1, 1, TimeUnit.SECONDS);
        LOG.info("TLSRPT reporting {}; store {}", settings.enabled() ? "on" : "off (smtp_tlsrpt_enable = no)",
                settings.store());
    }

    @Deactivate
    public void deactivate() {
        // Not shutdownNow first: an interrupted flush could leave a count on disk and in memory, counted twice.
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                worker.shutdownNow();
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
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
                commands.sendDue(settings);
                store.purgeBefore(commands.today().minusDays(settings.retention().toDays()));
            }
            lastWarning = "";
        } catch (IOException | RuntimeException e) {
            String warning = e instanceof ParameterException ? e.getMessage() : e.toString();
            if (!warning.equals(lastWarning)) {
                LOG.warn("warning: TLSRPT: {}", warning);
                lastWarning = warning;
            }
        }
    }

    @Override
    public int show(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        return commands.show(policyDomain, day, out, err);
    }

    @Override
    public int send(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        return commands.send(policyDomain, day, out, err);
    }

    @Override
    public int status(PrintWriter out, PrintWriter err) {
        return commands.status(out, err);
    }

    private ReportSender.Services services() {
        return new ReportSender.Services(Optional.ofNullable(dns), Optional.ofNullable(submitter),
                Optional.ofNullable(tables));
    }

    private TlsRptSettings settings() {
        ServiceSettings s = main.settings().orElse(name -> null);
        return TlsRptSettings.of(s);
    }
}
