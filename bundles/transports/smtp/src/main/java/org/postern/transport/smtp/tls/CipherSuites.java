// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SUMMARY   Postfix's cipher grade and exclusion list (smtp_tls_ciphers,
 *           smtp_tls_exclude_ciphers, the policy's ciphers= and exclude=) applied to the JSSE
 *           cipher suites.
 * DESCRIPTION
 *   The JVM enables no export, low or null ciphers, so the grades export, low, medium and high
 *   all keep its enabled suites; null is refused (Postern never sends mail unencrypted under a
 *   TLS policy). An exclusion is an OpenSSL name or component (aNULL, eNULL, RC4, 3DES, MD5,
 *   SHA1, AES128, AES256, CHACHA20, CBC, kRSA, DHE, ECDHE, ECDSA) or a JSSE suite name; a
 *   suite is dropped when it has that component.
 */
public final class CipherSuites {

    /** OpenSSL names to the part of a JSSE suite name that means the same. */
    private static final Map<String, String> COMPONENTS = Map.ofEntries(
            Map.entry("anull", "_anon_"), Map.entry("enull", "_null_"), Map.entry("null", "_null_"),
            Map.entry("rc4", "_rc4_"), Map.entry("3des", "3des"), Map.entry("des-cbc3-sha", "3des"),
            Map.entry("md5", "_md5"), Map.entry("aes128", "aes_128"), Map.entry("aes256", "aes_256"),
            Map.entry("chacha20", "chacha20"), Map.entry("cbc", "_cbc_"), Map.entry("krsa", "tls_rsa_"),
            Map.entry("dhe", "_dhe_"), Map.entry("edh", "_dhe_"), Map.entry("ecdhe", "_ecdhe_"),
            Map.entry("ecdsa", "_ecdsa_"), Map.entry("camellia", "camellia"), Map.entry("aria", "aria"));

    private CipherSuites() {
    }

    /**
     * The suites of {@code enabled} that the grade and the exclusions leave.
     *
     * @throws IllegalArgumentException an unknown grade, or nothing left
     */
    public static List<String> select(String grade, List<String> exclusions, List<String> enabled) {
        String g = grade == null || grade.isBlank() ? "medium" : grade.strip().toLowerCase(Locale.ROOT);
        if (!List.of("export", "low", "medium", "high").contains(g)) {
            throw new IllegalArgumentException("unsupported cipher grade \"" + grade + "\"");
        }
        List<String> out = new ArrayList<>();
        for (String suite : enabled) {
            if (exclusions.stream().noneMatch(x -> excludes(x, suite))) {
                out.add(suite);
            }
        }
        if (out.stream().allMatch(suite -> suite.endsWith("_SCSV"))) {      // signalling values are not ciphers
            throw new IllegalArgumentException("no cipher suite left after excluding " + exclusions);
        }
        return out;
    }

    static boolean excludes(String exclusion, String suite) {
        String x = exclusion.strip().toLowerCase(Locale.ROOT);
        String s = suite.toLowerCase(Locale.ROOT);
        if (x.equals("sha1")) {
            return s.endsWith("_sha");
        }
        String component = COMPONENTS.get(x);
        return component != null ? s.contains(component) : s.equals(x);
    }
}
