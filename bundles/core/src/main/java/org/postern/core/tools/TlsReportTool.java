// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import org.postern.api.tls.TlsReporting;

/**
 * SUMMARY   tlsrpt-show, tlsrpt-send and tlsrpt-status [--domain D] [--date YYYY-MM-DD]: the
 *           TLSRPT bundle's reports (RFC 8460), done by its {@link TlsReporting} service.
 * DESCRIPTION
 *   Shared by bin/tlsrpt-* and the shell's postern:tlsrpt-* commands. The date is a UTC day.
 *   Without the bundle it says so and exits 1.
 * SECURITY  Administrators only: the reports name every domain this host sent mail to.
 */
public final class TlsReportTool {

    /** The tool names this class serves. */
    public static final List<String> NAMES = List.of("tlsrpt-show", "tlsrpt-send", "tlsrpt-status");

    private TlsReportTool() {
    }

    /** Runs tool {@code name} for a caller; the exit status. */
    public static int run(Optional<TlsReporting> reporting, String name, List<String> args, boolean admin,
                          PrintWriter out, PrintWriter err) {
        String usage = name + ": usage: " + name + (name.equals("tlsrpt-status") ? "" : " [--domain D] [--date YYYY-MM-DD]");
        if (!admin) {
            err.println(name + ": fatal: permission denied: only an administrator may see or send TLS reports");
            return 77;
        }
        Optional<String> domain = Optional.empty();
        Optional<LocalDate> day = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean hasValue = i + 1 < args.size() && !name.equals("tlsrpt-status");
            if ((a.equals("--domain") || a.equals("-d")) && hasValue) {
                domain = Optional.of(args.get(++i).toLowerCase(java.util.Locale.ROOT));
            } else if (a.equals("--date") && hasValue) {
                try {
                    day = Optional.of(LocalDate.parse(args.get(++i)));
                } catch (DateTimeParseException e) {
                    err.println(name + ": fatal: bad date (want YYYY-MM-DD): " + args.get(i));
                    return 64;
                }
            } else {
                err.println(usage);
                return 64;
            }
        }
        if (reporting.isEmpty()) {
            err.println(name + ": fatal: the TLSRPT generator (feature postern-tlsrpt) is not active");
            return 1;
        }
        return switch (name) {
            case "tlsrpt-show" -> reporting.get().show(domain, day, out, err);
            case "tlsrpt-send" -> reporting.get().send(domain, day, out, err);
            default -> reporting.get().status(out, err);
        };
    }
}
