// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.api.tls.TlsReporting;
import org.postern.core.tools.TlsReportTool;

/** postern:tlsrpt-status - see {@link TlsReportTool}. */
@Command(scope = "postern", name = "tlsrpt-status", description = "List the TLSRPT days not reported yet and the last delivery per report address")
@Service
public class TlsReportStatusCommand extends PosternAction {

    @Reference(optional = true)
    TlsReporting reporting;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        return TlsReportTool.run(Optional.ofNullable(reporting), "tlsrpt-status", List.of(), true, out, err);
    }
}
