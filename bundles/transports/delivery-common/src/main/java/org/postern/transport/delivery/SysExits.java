// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.util.Optional;

/**
 * SUMMARY   sendmail-compatible exit statuses (sysexits.h) and what they mean for delivery.
 * DESCRIPTION
 *   Postfix's sys_exits table, used for pipe(8) and local(8) commands: each status in 64..78
 *   has an RFC 3463 status and a text; 4.x.x statuses (EX_OSERR, EX_TEMPFAIL) mean "try
 *   again", the others "return to sender". Statuses 129..192 are how the JVM reports a
 *   command killed by a signal (128+N). The callers word their reports differently (pipe(8):
 *   "Command died with status N: text", local(8): "text. Command output: ..."), so both
 *   {@link #detail} and {@link #forExit} are here.
 */
public final class SysExits {

    /** RFC 3463 status and descriptive text of one exit status. */
    public record Detail(String dsn, String text) {
        /** True for a 4.x.x status: the delivery is tried again later. */
        public boolean soft() {
            return dsn.startsWith("4");
        }
    }

    private static final Detail[] TABLE = {
        new Detail("5.3.0", "command line usage error"),           // 64 EX_USAGE
        new Detail("5.6.0", "data format error"),                  // 65 EX_DATAERR
        new Detail("5.3.0", "cannot open input"),                  // 66 EX_NOINPUT
        new Detail("5.1.1", "user unknown"),                       // 67 EX_NOUSER
        new Detail("5.1.2", "host name unknown"),                  // 68 EX_NOHOST
        new Detail("5.3.0", "service unavailable"),                // 69 EX_UNAVAILABLE
        new Detail("5.3.0", "internal software error"),            // 70 EX_SOFTWARE
        new Detail("4.3.0", "system resource problem"),            // 71 EX_OSERR
        new Detail("5.3.0", "critical OS file missing"),           // 72 EX_OSFILE
        new Detail("5.2.0", "can't create user output file"),      // 73 EX_CANTCREAT
        new Detail("5.3.0", "input/output error"),                 // 74 EX_IOERR
        new Detail("4.3.0", "temporary failure"),                  // 75 EX_TEMPFAIL
        new Detail("5.5.0", "remote error in protocol"),           // 76 EX_PROTOCOL
        new Detail("5.7.0", "permission denied"),                  // 77 EX_NOPERM
        new Detail("5.3.5", "local configuration error"),          // 78 EX_CONFIG
    };

    private SysExits() {
    }

    /** The table's entry for {@code status}, empty outside 64..78. */
    public static Optional<Detail> known(int status) {
        return status >= 64 && status <= 78 ? Optional.of(TABLE[status - 64]) : Optional.empty();
    }

    /** The table's entry, or "unknown mail system error N" (5.3.0) as Postfix's sys_exits_detail(). */
    public static Detail detail(int status) {
        return known(status).orElseGet(() -> new Detail("5.3.0", "unknown mail system error " + status));
    }

    /** True when the JVM's exit status stands for a signal (128+N, N at most 64). */
    public static boolean isSignal(int status) {
        return status > 128 && status <= 128 + 64;
    }

    /**
     * local(8)'s status for a command that exited with {@code status} (not 0): the table's
     * text followed by ". Command output: ..." when {@code output} is not "", or "Command died
     * with status N" (5.3.0) for a status outside the table.
     */
    public static DeliveryStatus forExit(int status, String output) {
        String suffix = output.isEmpty() ? "" : ". Command output: " + output;
        Optional<Detail> known = known(status);
        if (known.isEmpty()) {
            return DeliveryStatus.bounced("5.3.0", "Command died with status " + status + suffix);
        }
        Detail d = known.get();
        String text = d.text() + suffix;
        return d.soft() ? DeliveryStatus.deferred(d.dsn(), text) : DeliveryStatus.bounced(d.dsn(), text);
    }
}
