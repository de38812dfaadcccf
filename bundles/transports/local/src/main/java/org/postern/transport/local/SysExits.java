// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import org.postern.transport.mailbox.DeliveryStatus;

/**
 * The sysexits.h exit codes of a delivery command and what they mean for the message, as
 * Postfix's sys_exits table: EX_TEMPFAIL (75) and EX_OSERR (71) defer, other codes from 64
 * to 78 bounce with their own status, any other non-zero status bounces with 5.3.0.
 */
final class SysExits {

    private record Code(String dsn, String text) {
    }

    private static final Code[] CODES = {
        new Code("5.3.0", "command line usage error"),           // 64 EX_USAGE
        new Code("5.6.0", "data format error"),                  // 65 EX_DATAERR
        new Code("5.3.0", "cannot open input"),                  // 66 EX_NOINPUT
        new Code("5.1.1", "user unknown"),                       // 67 EX_NOUSER
        new Code("5.1.2", "host name unknown"),                  // 68 EX_NOHOST
        new Code("5.3.0", "service unavailable"),                // 69 EX_UNAVAILABLE
        new Code("5.3.0", "internal software error"),            // 70 EX_SOFTWARE
        new Code("4.3.0", "system resource problem"),            // 71 EX_OSERR
        new Code("5.3.0", "critical OS file missing"),           // 72 EX_OSFILE
        new Code("5.2.0", "can't create user output file"),      // 73 EX_CANTCREAT
        new Code("5.3.0", "input/output error"),                 // 74 EX_IOERR
        new Code("4.3.0", "temporary failure"),                  // 75 EX_TEMPFAIL
        new Code("5.5.0", "remote error in protocol"),           // 76 EX_PROTOCOL
        new Code("5.7.0", "permission denied"),                  // 77 EX_NOPERM
        new Code("5.3.5", "local configuration error"),          // 78 EX_CONFIG
    };

    private SysExits() {
    }

    /** The status for a command that exited with {@code status} (not 0); {@code output} may be "". */
    static DeliveryStatus forExit(int status, String output) {
        String suffix = output.isEmpty() ? "" : ". Command output: " + output;
        if (status >= 64 && status <= 78) {
            Code code = CODES[status - 64];
            String text = code.text() + suffix;
            return code.dsn().startsWith("4") ? DeliveryStatus.deferred(code.dsn(), text)
                    : DeliveryStatus.bounced(code.dsn(), text);
        }
        return DeliveryStatus.bounced("5.3.0", "Command died with status " + status + suffix);
    }
}
