// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUMMARY   Postfix's cipher grades (smtpd_tls_ciphers, smtpd_tls_mandatory_ciphers) and
 *           exclusions (smtpd_tls_exclude_ciphers, smtpd_tls_mandatory_exclude_ciphers) on
 *           JSSE's suites, and the OpenSSL names and key sizes the log lines use.
 * DESCRIPTION
 *   The candidates are the JDK's enabled defaults (no NULL, anonymous, export, RC4 or DES
 *   suites ever). "medium" is all of them; "high" keeps the forward-secret AEAD suites
 *   (TLS 1.3, ECDHE/DHE with AES-GCM or ChaCha20-Poly1305); "low" and "export" are treated
 *   as "medium" (the JDK has nothing weaker enabled), "null" is refused. An exclusion token is
 *   a suite's JSSE or OpenSSL name, or one of OpenSSL's aliases that make sense here: aNULL,
 *   eNULL, NULL, RC4, DES, 3DES, MD5, SHA1, SHA, CBC (Postern's: the non-AEAD suites), kRSA
 *   (RSA key exchange), aRSA, aECDSA, ECDSA, kDHE, DHE, EDH, kECDHE, ECDHE, AES, AES128,
 *   AES256, AESGCM, CHACHA20, CAMELLIA.
 */
public final class CipherSuites {

    private CipherSuites() {
    }

    /** The suites of {@code grade} from {@code candidates}, less {@code exclude}, in candidate order. */
    public static List<String> select(List<String> candidates, String grade, String exclude) {
        String g = grade(grade);
        List<String> tokens = new ArrayList<>();
        for (String t : exclude.split("[\\s,:]+")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        List<String> out = new ArrayList<>();
        for (String suite : candidates) {
            if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
                continue;
            }
            if (g.equals("high") && !high(suite)) {
                continue;
            }
            boolean drop = false;
            for (String t : tokens) {
                drop |= matches(t, suite);
            }
            if (!drop) {
                out.add(suite);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("grade \"" + grade + "\" less \"" + exclude + "\" leaves no cipher");
        }
        return out;
    }

    /**
     * {@code grade} in lower case, when Postern can give it (since 1.5.0).
     *
     * @throws IllegalArgumentException for "null" (never offered) and anything not a grade
     */
    public static String grade(String grade) {
        String g = grade.trim().toLowerCase(Locale.ROOT);
        if (!List.of("high", "medium", "low", "export").contains(g)) {
            throw new IllegalArgumentException("cipher grade \"" + grade + "\" is not supported (high, medium)");
        }
        return g;
    }

    static boolean tls13(String suite) {
        return !suite.contains("_WITH_");
    }

    static boolean aead(String suite) {
        return suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305") || suite.contains("_CCM");
    }

    static boolean high(String suite) {
        return tls13(suite) || aead(suite) && (suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_"));
    }

    /** Whether the OpenSSL-style {@code token} names or covers {@code suite}. */
    static boolean matches(String token, String suite) {
        if (token.equals(suite) || token.equals(openSslName(suite))) {
            return true;
        }
        String kx = tls13(suite) ? "" : suite.substring(4, suite.indexOf("_WITH_"));
        switch (token) {
            case "aNULL": case "ADH": case "AECDH":
                return suite.contains("_anon_");
            case "eNULL": case "NULL":
                return suite.contains("_WITH_NULL_");
            case "RC4":
                return suite.contains("_RC4_");
            case "DES":
                return suite.contains("_DES_");
            case "3DES":
                return suite.contains("_3DES_");
            case "MD5":
                return suite.endsWith("_MD5");
            case "SHA1": case "SHA":
                return suite.endsWith("_SHA");
            case "CBC":
                return !tls13(suite) && !aead(suite);
            case "kRSA":
                return kx.equals("RSA");
            case "aRSA":
                return kx.endsWith("RSA");
            case "aECDSA": case "ECDSA":
                return kx.endsWith("ECDSA");
            case "kDHE": case "DHE": case "EDH": case "kEDH":
                return kx.startsWith("DHE_");
            case "kECDHE": case "ECDHE": case "EECDH":
                return kx.startsWith("ECDHE_");
            case "AES":
                return suite.contains("_AES_");
            case "AES128":
                return suite.contains("_AES_128_");
            case "AES256":
                return suite.contains("_AES_256_");
            case "AESGCM":
                return suite.contains("_AES_") && suite.contains("_GCM_");
            case "CHACHA20":
                return suite.contains("CHACHA20");
            case "CAMELLIA":
                return suite.contains("CAMELLIA");
            default:
                return false;
        }
    }

    /**
     * The OpenSSL name of a JSSE suite: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 is
     * ECDHE-RSA-AES256-GCM-SHA384, TLS_RSA_WITH_AES_128_CBC_SHA is AES128-SHA; TLS 1.3 suites
     * have the same name in both.
     */
    public static String openSslName(String suite) {
        if (tls13(suite) || !suite.startsWith("TLS_")) {
            return suite;
        }
        int with = suite.indexOf("_WITH_");
        String kx = suite.substring(4, with);
        String cipher = suite.substring(with + 6);
        StringBuilder b = new StringBuilder();
        if (!kx.equals("RSA")) {
            b.append(kx.replace('_', '-')).append('-');
        }
        String c = cipher.replace("AES_128_", "AES128-").replace("AES_256_", "AES256-")
                .replace("CHACHA20_POLY1305_SHA256", "CHACHA20-POLY1305")
                .replace("CBC_", "").replace("3DES_EDE_", "DES-CBC3-").replace('_', '-');
        return b.append(c).toString();
    }

    /** The symmetric key size of {@code suite}, as Postfix logs it "(256/256 bits)". */
    public static int bits(String suite) {
        if (suite.contains("AES_256") || suite.contains("CHACHA20")) {
            return 256;
        }
        if (suite.contains("AES_128")) {
            return 128;
        }
        if (suite.contains("3DES")) {
            return 112;
        }
        return 0;
    }
}
