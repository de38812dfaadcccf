// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** postern:tlsrpt-show - see {@link org.postern.core.tools.TlsReportTool}. */
@Command(scope = "postern", name = "tlsrpt-show", description = "Print the TLSRPT (RFC 8460) reports that would be sent, as JSON")
@Service
public class TlsReportShowCommand extends TlsReportAction {

    @Override
    String toolName() {
        return "tlsrpt-show";
    }
}
