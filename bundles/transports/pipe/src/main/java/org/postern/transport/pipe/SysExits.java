// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.Map;

/**
 * SUMMARY   sendmail-compatible exit statuses (sysexits.h) and what they mean for delivery.
 * DESCRIPTION
 *   The table Postfix uses for pipe(8) and local(8) commands: each status in 64..78 has an
 *   RFC 3463 status and a text; 4.x.x statuses (EX_OSERR, EX_TEMPFAIL) mean "try again",
 *   the others "return to sender". Any other non-zero status is "unknown mail system
 *   error N" with 5.3.0.
 */
final class SysExits {

    /** RFC 3463 status and descriptive text of one exit status. */
    record Detail(String dsn, String text) {
        boolean soft() {
            return dsn.startsWith("4");
        }
    }

    static final int EX_TEMPFAIL = 75;

    private static final Map<Integer, Detail> TABLE = Map.ofEntries(
            Map.entry(64, new Detail("5.3.0", "command line usage error")),
            Map.entry(65, new Detail("5.6.0", "data format error")),
            Map.entry(66, new Detail("5.3.0", "cannot open input")),
            Map.entry(67, new Detail("5.1.1", "user unknown")),
            Map.entry(68, new Detail("5.1.2", "host name unknown")),
            Map.entry(69, new Detail("5.3.0", "service unavailable")),
            Map.entry(70, new Detail("5.3.0", "internal software error")),
            Map.entry(71, new Detail("4.3.0", "system resource problem")),
            Map.entry(72, new Detail("5.3.0", "critical OS file missing")),
            Map.entry(73, new Detail("5.2.0", "can't create user output file")),
            Map.entry(74, new Detail("5.3.0", "input/output error")),
            Map.entry(75, new Detail("4.3.0", "temporary failure")),
            Map.entry(76, new Detail("5.5.0", "remote error in protocol")),
            Map.entry(77, new Detail("5.7.0", "permission denied")),
            Map.entry(78, new Detail("5.3.5", "local configuration error")));

    private SysExits() {
    }

    static Detail detail(int status) {
        Detail d = TABLE.get(status);
        return d != null ? d : new Detail("5.3.0", "unknown mail system error " + status);
    }
}
