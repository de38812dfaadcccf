// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   smtpd_discard_ehlo_keywords: the EHLO keywords not to announce (Postfix ehlo_mask).
 * DESCRIPTION
 *   Words are case-insensitive; "silent-discard" suppresses the "discarding EHLO keywords" log
 *   line. Postern goes further than Postfix: a discarded feature is also refused (BDAT, DSN
 *   parameters, SIZE=, BODY=, SMTPUTF8, STARTTLS, VRFY, XCLIENT, XFORWARD), and a discarded
 *   ENHANCEDSTATUSCODES removes the status codes from replies (as Postfix does).
 * SECURITY  Input is the administrator's configuration; unknown words are warned about and skipped.
 */
record EhloKeywords(Set<Keyword> discarded, boolean silent) {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    /** The features of Postfix's ehlo_mask table, in its order. */
    enum Keyword {
        AUTH, DSN, ENHANCEDSTATUSCODES, ETRN, PIPELINING, SIZE, STARTTLS, VERP, VRFY, XCLIENT, XFORWARD,
        EIGHTBITMIME("8BITMIME"), SMTPUTF8, CHUNKING, REQUIRETLS;

        private final String word;

        Keyword() {
            this.word = name();
        }

        Keyword(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }
    }

    static final EhloKeywords NONE = new EhloKeywords(EnumSet.noneOf(Keyword.class), false);

    EhloKeywords {
        discarded = discarded.isEmpty() ? EnumSet.noneOf(Keyword.class) : EnumSet.copyOf(discarded);
    }

    static EhloKeywords parse(List<String> words) {
        EnumSet<Keyword> set = EnumSet.noneOf(Keyword.class);
        boolean silent = false;
        for (String w : words) {
            String u = w.strip().toUpperCase(Locale.ROOT);
            if (u.isEmpty()) {
                continue;
            }
            if (u.equals("SILENT-DISCARD")) {
                silent = true;
                continue;
            }
            Keyword match = null;
            for (Keyword k : Keyword.values()) {
                if (k.word().equals(u)) {
                    match = k;
                }
            }
            if (match == null) {
                LOG.warn("warning: smtpd_discard_ehlo_keywords: unknown keyword \"{}\", ignored", w);
            } else {
                set.add(match);
            }
        }
        return new EhloKeywords(set, silent);
    }

    boolean discards(Keyword k) {
        return discarded.contains(k);
    }

    boolean isEmpty() {
        return discarded.isEmpty();
    }

    /** For "discarding EHLO keywords: CHUNKING DSN". */
    String describe() {
        StringJoiner j = new StringJoiner(" ");
        for (Keyword k : discarded) {
            j.add(k.word());
        }
        return j.toString();
    }
}
