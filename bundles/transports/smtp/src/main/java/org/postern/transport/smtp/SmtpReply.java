// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server reply: the three-digit code and every line as received (code included).
 * {@link #text()} is what Postfix puts in diagnostics: the lines joined by a space
 * ("550-5.1.1 first 550 5.1.1 second").
 */
record SmtpReply(int code, List<String> lines) {

    // RFC 3463 enhanced status right after the code: class.subject.detail
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");

    SmtpReply {
        lines = List.copyOf(lines);
    }

    boolean positive() {
        return code / 100 == 2;
    }

    boolean transientFailure() {
        return code / 100 == 4;
    }

    boolean permanentFailure() {
        return code / 100 == 5;
    }

    /** 421: the server is going away; nothing more will be said on this connection. */
    boolean closing() {
        return code == 421;
    }

    String text() {
        return String.join(" ", lines);
    }

    /** The enhanced status code when the reply has one of the right class, else {@code N.0.0}. */
    String dsnStatus() {
        Matcher m = ENHANCED.matcher(lines.get(0));
        if (m.find() && m.group(1).charAt(0) - '0' == code / 100) {
            return m.group(1);
        }
        return (code / 100) + ".0.0";
    }

    /** The capabilities of an EHLO/LHLO reply: each line after the first, without the code. */
    List<String> extensionLines() {
        return lines.stream().skip(1).map(l -> l.length() > 4 ? l.substring(4) : "").toList();
    }
}
