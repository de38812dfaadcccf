// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** postern:tlsrpt-send - see {@link org.postern.core.tools.TlsReportTool}. */
@Command(scope = "postern", name = "tlsrpt-send", description = "Build and deliver the TLSRPT (RFC 8460) reports now")
@Service
public class TlsReportSendCommand extends TlsReportAction {

    @Override
    String toolName() {
        return "tlsrpt-send";
    }
}
