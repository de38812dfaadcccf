// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the server announced in its EHLO/LHLO reply (RFC 5321 section 4.1.1.1). A server
 * that only answers HELO announces nothing.
 *
 * @param sizeLimit the SIZE value (RFC 1870); 0 when the server gave no number or no SIZE
 * @param authMechanisms the SASL mechanisms of "AUTH" (RFC 4954) and of the obsolete "AUTH=" form,
 *                       upper case, each once, in the server's order; null when neither was announced
 */
record ServerFeatures(boolean esmtp, boolean pipelining, boolean size, long sizeLimit, boolean eightBitMime,
                      boolean dsn, boolean smtputf8, boolean startTls, List<String> authMechanisms, boolean requireTls) {

    static final ServerFeatures NONE = new ServerFeatures(false, false, false, 0, false, false, false, false, null,
            false);

    static ServerFeatures parse(SmtpReply ehloReply) {
        boolean pipelining = false;
        boolean size = false;
        long sizeLimit = 0;
        boolean eightBit = false;
        boolean dsn = false;
        boolean utf8 = false;
        boolean tls = false;
        boolean requireTls = false;
        Set<String> auth = null;
        for (String line : ehloReply.extensionLines()) {
            String[] words = line.strip().split("\\s+");
            String keyword = words[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("AUTH") || keyword.startsWith("AUTH=")) {
                // old servers say "AUTH=LOGIN PLAIN"; Postfix merges both lists
                auth = auth == null ? new LinkedHashSet<>() : auth;
                if (keyword.length() > 5) {
                    auth.add(keyword.substring(5));
                }
                for (int i = 1; i < words.length; i++) {
                    auth.add(words[i].toUpperCase(Locale.ROOT));
                }
                continue;
            }
            switch (keyword) {
                case "PIPELINING" -> pipelining = true;
                case "SIZE" -> {
                    size = true;
                    sizeLimit = words.length > 1 ? number(words[1]) : 0;
                }
                case "8BITMIME" -> eightBit = true;
                case "DSN" -> dsn = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> tls = true;
                case "REQUIRETLS" -> requireTls = true;
                default -> {
                }
            }
        }
        return new ServerFeatures(true, pipelining, size, sizeLimit, eightBit, dsn, utf8, tls,
                auth == null ? null : List.copyOf(auth), requireTls);
    }

    private static long number(String word) {
        try {
            return Math.max(0, Long.parseLong(word));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Names for debug logging. */
    List<String> names() {
        return List.of(pipelining ? "PIPELINING" : "", size ? "SIZE " + sizeLimit : "", eightBitMime ? "8BITMIME" : "",
                dsn ? "DSN" : "", smtputf8 ? "SMTPUTF8" : "", startTls ? "STARTTLS" : "",
                authMechanisms != null ? ("AUTH " + String.join(" ", authMechanisms)).strip() : "")
                .stream().filter(s -> !s.isEmpty()).toList();
    }
}
