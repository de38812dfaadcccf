// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SUMMARY   Postfix's TLS protocol lists (smtpd_tls_protocols, smtpd_tls_mandatory_protocols):
 *           "&gt;=TLSv1.2", "&lt;=TLSv1.3", "!SSLv2, !SSLv3" or plain names, to JSSE's protocol names.
 * DESCRIPTION
 *   As Postfix 3.6: bounds and exclusions combine; a plain name (without "!") enables only
 *   the names listed; SSLv2 and SSLv3 are known and never enabled. An unknown name is an error.
 */
public final class TlsProtocols {

    /** What Postern can offer, oldest first; the JDK's java.security may disable the old ones further. */
    static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final Set<String> NEVER = Set.of("SSLv2", "SSLv3");

    private TlsProtocols() {
    }

    /** The JSSE protocol names {@code spec} enables, newest first. */
    public static List<String> parse(String spec) {
        int min = 0;
        int max = KNOWN.size() - 1;
        Set<String> excluded = new LinkedHashSet<>();
        Set<String> included = new LinkedHashSet<>();
        for (String token : spec.split("[\\s,:]+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.startsWith(">=")) {
                min = Math.max(min, index(token.substring(2)));
            } else if (token.startsWith("<=")) {
                max = Math.min(max, index(token.substring(2)));
            } else if (token.startsWith("!")) {
                excluded.add(KNOWN.get(index(token.substring(1))));
            } else {
                included.add(KNOWN.get(index(token)));
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = KNOWN.size() - 1; i >= 0; i--) {
            String p = KNOWN.get(i);
            if (i >= min && i <= max && !excluded.contains(p) && !NEVER.contains(p)
                    && (included.isEmpty() || included.contains(p))) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("\"" + spec + "\" enables no TLS protocol");
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
