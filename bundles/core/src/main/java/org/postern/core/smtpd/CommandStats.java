// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-session command counters of Postfix's "disconnect from" line:
 * {@code ehlo=1 mail=1 rcpt=0/1 data=1 quit=1 commands=4/5} (ok/total, "/total" only when some
 * failed), in Postfix's command table order.
 */
final class CommandStats {

    private static final List<String> ORDER = List.of("helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data",
            "bdat", "rset", "noop", "vrfy", "etrn", "quit", "xclient", "xforward", "unknown");

    private final Map<String, int[]> counts = new LinkedHashMap<>();

    void record(String verb, boolean ok) {
        String key = ORDER.contains(verb) ? verb : "unknown";
        int[] c = counts.computeIfAbsent(key, k -> new int[2]);
        c[1]++;
        if (ok) {
            c[0]++;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (String verb : ORDER) {
            int[] c = counts.get(verb);
            if (c == null) {
                continue;
            }
            sb.append(' ').append(verb).append('=').append(format(c[0], c[1]));
            ok += c[0];
            total += c[1];
        }
        sb.append(" commands=").append(format(ok, total));
        return sb.toString();
    }

    private static String format(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }
}
