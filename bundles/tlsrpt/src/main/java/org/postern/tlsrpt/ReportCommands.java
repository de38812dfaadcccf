// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.postern.api.parameter.ParameterException;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.report.ReportJson;
import org.postern.tlsrpt.store.DeliveryRecord;
import org.postern.tlsrpt.store.TlsRptStore;

/**
 * SUMMARY   tlsrpt-show, tlsrpt-send and tlsrpt-status (the api's TlsReporting), and the daily
 *           run's choice of reports: the reports not claimed yet, by domain and UTC day.
 * DESCRIPTION
 *   Each command first saves what was counted in the last second, so it sees every session.
 *   Reports are sent only for days that are over (UTC); show also shows today's counts so far.
 */
final class ReportCommands {

    private final TlsRptStore store;
    private final CountFlusher flusher;
    private final ReportSender sender;
    private final Supplier<TlsRptSettings> settings;
    private final Supplier<ReportSender.Services> services;
    private final Clock clock;

    ReportCommands(TlsRptStore store, CountFlusher flusher, ReportSender sender, Supplier<TlsRptSettings> settings,
                   Supplier<ReportSender.Services> services, Clock clock) {
        this.store = store;
        this.flusher = flusher;
        this.sender = sender;
        this.settings = settings;
        this.services = services;
        this.clock = clock;
    }

    int show(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        try {
            TlsRptSettings settings = this.settings.get();
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

    int send(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err) {
        if (day.isPresent() && !day.get().isBefore(today())) {
            err.println("tlsrpt-send: fatal: " + day.get() + " is not over yet (UTC); its report would be incomplete");
            return 64;
        }
        try {
            TlsRptSettings settings = this.settings.get();
            flusher.flush();
            return sendAll(policyDomain, day, settings, out);
        } catch (IOException | ParameterException e) {
            err.println("tlsrpt-send: fatal: " + e.getMessage());
            return 75;
        }
    }

    int status(PrintWriter out, PrintWriter err) {
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

    /** The daily run: every report of a day before today not sent yet. */
    void sendDue(TlsRptSettings settings) throws IOException {
        sendAll(Optional.empty(), Optional.empty(), settings, null);
    }

    /** Sends the selected reports of days before today; 0 when all are done, 75 when some wait, 1 when there were none. */
    private int sendAll(Optional<String> policyDomain, Optional<LocalDate> day, TlsRptSettings settings,
                        PrintWriter out) throws IOException {
        List<ReportKey> keys = selected(policyDomain, day).stream().filter(k -> k.day().isBefore(today())).toList();
        if (keys.isEmpty() && out != null) {
            out.println("tlsrpt-send: no counts waiting to be reported" + selection(policyDomain, day));
            return 1;
        }
        ReportSender.Services services = this.services.get();
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

    LocalDate today() {
        return clock.instant().atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
