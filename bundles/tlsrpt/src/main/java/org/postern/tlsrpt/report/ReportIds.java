// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.report;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.postern.tlsrpt.counts.ReportKey;

/**
 * New report-ids: "20261205.9f3c0a17b2e4d861@submitter.example", unique without coordination
 * between nodes (RFC 8460 section 4.1 leaves the scheme to the sender; section 5.3's example
 * has this message-id-like form, which the Subject shows in angle brackets).
 */
public final class ReportIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ReportIds() {
    }

    public static String next(ReportKey key, String submitter) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return key.day().toString().replace("-", "") + "." + HexFormat.of().formatHex(random) + "@" + submitter;
    }

    /** The letters and digits of the part before "@": the file name's unique-id (RFC 8460 section 5.1). */
    public static String uniquePart(String reportId) {
        int at = reportId.indexOf('@');
        return (at < 0 ? reportId : reportId.substring(0, at)).replaceAll("[^A-Za-z0-9]", "");
    }
}
