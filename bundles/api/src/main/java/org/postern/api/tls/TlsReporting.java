// SPDX-License-Identifier: Apache-2.0
package org.postern.api.tls;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The TLSRPT generator's administration (RFC 8460 reports): what would be sent, send now, and
 * what is pending or was delivered. Registered by the TLSRPT bundle; the shell's
 * {@code postern:tlsrpt-*} commands and {@code bin/tlsrpt-*} call it. Each method returns an
 * exit status (0 success, 1 nothing to do or failed, 75 temporary failure).
 *
 * @since 0.4
 */
@ProviderType
public interface TlsReporting {

    /**
     * Prints, pretty-printed, the JSON reports that would be sent for the domain and UTC day
     * (all domains, every day before today not reported yet, when empty; today: the counts so far).
     */
    int show(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err);

    /** Builds and delivers the reports for the domain and UTC day now (all domains with data before today when empty). */
    int send(Optional<String> policyDomain, Optional<LocalDate> day, PrintWriter out, PrintWriter err);

    /** Lists the domains and days with counts not reported yet, and the last delivery result per rua. */
    int status(PrintWriter out, PrintWriter err);
}
