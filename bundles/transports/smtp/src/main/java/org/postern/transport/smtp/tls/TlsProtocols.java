// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUMMARY   Postfix's TLS protocol syntax (smtp_tls_protocols, smtp_tls_mandatory_protocols,
 *           the policy's protocols=) to the JSSE protocol names to enable.
 * DESCRIPTION
 *   Either bounds (">=TLSv1.2", "<=TLSv1.2", both) or a list: names to include, "!name" to
 *   exclude, separated by spaces, commas or colons; empty means every protocol the JVM
 *   enables. SSLv2 and SSLv3 are never enabled.
 */
public final class TlsProtocols {

    /** Oldest first. */
    private static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsProtocols() {
    }

    /**
     * The protocols of {@code enabled} (the JVM's, oldest or newest first) that {@code spec} allows.
     *
     * @throws IllegalArgumentException an unknown protocol name, or nothing left
     */
    public static List<String> select(String spec, List<String> enabled) {
        String s = spec == null ? "" : spec.strip();
        List<String> words = s.isEmpty() ? List.of() : List.of(s.split("[\\s,:]+"));
        int min = 2;                                    // TLSv1: SSL never
        int max = KNOWN.size() - 1;
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        for (String w : words) {
            if (w.startsWith(">=")) {
                min = Math.max(min, index(w.substring(2)));
            } else if (w.startsWith("<=")) {
                max = Math.min(max, index(w.substring(2)));
            } else if (w.startsWith("!")) {
                exclude.add(KNOWN.get(index(w.substring(1))));
            } else {
                include.add(KNOWN.get(index(w)));
            }
        }
        List<String> out = new ArrayList<>();
        for (String p : enabled) {
            int i = KNOWN.indexOf(p);
            if (i >= min && i <= max && !exclude.contains(p) && (include.isEmpty() || include.contains(p))) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no usable TLS protocol in \"" + s + "\"");
        }
        return out;
    }

    private static int index(String name) {
        for (int i = 0; i < KNOWN.size(); i++) {
            if (KNOWN.get(i).toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown TLS protocol \"" + name + "\"");
    }
}
