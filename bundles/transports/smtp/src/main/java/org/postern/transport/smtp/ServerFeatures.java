// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.Locale;

/**
 * What the server announced in its EHLO/LHLO reply (RFC 5321 section 4.1.1.1). A server
 * that only answers HELO announces nothing.
 *
 * @param sizeLimit the SIZE value (RFC 1870); 0 when the server gave no number or no SIZE
 */
record ServerFeatures(boolean esmtp, boolean pipelining, boolean size, long sizeLimit, boolean eightBitMime,
                      boolean dsn, boolean smtputf8, boolean startTls) {

    static final ServerFeatures NONE = new ServerFeatures(false, false, false, 0, false, false, false, false);

    static ServerFeatures parse(SmtpReply ehloReply) {
        boolean pipelining = false;
        boolean size = false;
        long sizeLimit = 0;
        boolean eightBit = false;
        boolean dsn = false;
        boolean utf8 = false;
        boolean tls = false;
        for (String line : ehloReply.extensionLines()) {
            String[] words = line.strip().split("\\s+");
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "PIPELINING" -> pipelining = true;
                case "SIZE" -> {
                    size = true;
                    sizeLimit = words.length > 1 ? number(words[1]) : 0;
                }
                case "8BITMIME" -> eightBit = true;
                case "DSN" -> dsn = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> tls = true;
                default -> {
                }
            }
        }
        return new ServerFeatures(true, pipelining, size, sizeLimit, eightBit, dsn, utf8, tls);
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
                dsn ? "DSN" : "", smtputf8 ? "SMTPUTF8" : "", startTls ? "STARTTLS" : "")
                .stream().filter(s -> !s.isEmpty()).toList();
    }
}
