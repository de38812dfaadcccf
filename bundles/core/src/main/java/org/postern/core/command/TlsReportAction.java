// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.postern.api.tls.TlsReporting;
import org.postern.core.tools.TlsReportTool;

/** What postern:tlsrpt-show and postern:tlsrpt-send share: the options, and the call through {@link TlsReportTool}. */
abstract class TlsReportAction extends PosternAction {

    @Option(name = "--domain", description = "Only this policy domain")
    String domain;

    @Option(name = "--date", description = "The UTC day, YYYY-MM-DD (default: every day before today)")
    String date;

    @Reference(optional = true)
    TlsReporting reporting;

    /** The tool's name, e.g. tlsrpt-show. */
    abstract String toolName();

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        List<String> args = new ArrayList<>();
        if (domain != null) {
            args.addAll(List.of("--domain", domain));
        }
        if (date != null) {
            args.addAll(List.of("--date", date));
        }
        return TlsReportTool.run(Optional.ofNullable(reporting), toolName(), args, true, out, err);
    }
}
