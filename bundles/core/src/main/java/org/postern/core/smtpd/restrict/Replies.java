// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SUMMARY   Reply-text helpers of Postfix's smtpd: the names of what is rejected, dsn_split(),
 *           smtpd_dsn_fix(), printable().
 * SECURITY  Text may come from the network (addresses, HELO names) and from tables; it is made
 *           printable and cut to 510 characters before it is sent.
 * SEE ALSO  Postfix smtpd_check.c, smtpd_dsn_fix.c, dsn_util.c.
 */
final class Replies {

    static final String CLIENT = "Client host";
    static final String REV_CLIENT = "Unverified Client host";
    static final String HELO = "Helo command";
    static final String SENDER = "Sender address";
    static final String RECIPIENT = "Recipient address";
    static final String ETRN = "Etrn command";
    static final String CCERT = "Client certificate";
    static final String DATA = "Data command";
    static final String EOD = "End-of-data";

    /** The reply names of the DATA and end-of-data stages (Postfix SMTPD_CMD_DATA, SMTPD_CMD_EOD). */
    static final String DATA_NAME = "DATA";
    static final String EOD_NAME = "END-OF-MESSAGE";

    private static final Pattern DSN = Pattern.compile("^([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s+|$)");

    private Replies() {
    }

    /** dsn_split(): an enhanced status code at the start of {@code text}, or {@code def}. */
    record DsnText(String dsn, String text) {
    }

    static DsnText dsnSplit(String def, String text) {
        Matcher m = DSN.matcher(text);
        if (m.find()) {
            return new DsnText(m.group(1), text.substring(m.end()).strip());
        }
        return new DsnText(def, text.strip());
    }

    static boolean validDsn(String dsn) {
        return DSN.matcher(dsn).matches();
    }

    /**
     * smtpd_dsn_fix(): an address status (X.1.Y) is made to fit what is rejected, so that a
     * sender is never refused with a recipient code and the reverse.
     */
    static String dsnFix(String status, String replyClass) {
        if (status.length() < 5 || !Character.isDigit(status.charAt(0)) || !status.startsWith(".1.", 1)) {
            return status;
        }
        String micro = status.substring(4);
        String sender;
        String rcpt;
        switch (micro) {
            case "1": sender = "4.1.0"; rcpt = "4.1.1"; break;
            case "2": sender = "4.1.8"; rcpt = "4.1.2"; break;
            case "3": sender = "4.1.7"; rcpt = "4.1.3"; break;
            case "4": sender = "4.1.0"; rcpt = "4.1.4"; break;
            case "5": sender = "4.1.0"; rcpt = "4.1.5"; break;
            case "6": sender = "4.1.0"; rcpt = "4.1.6"; break;
            case "7": sender = "4.1.7"; rcpt = "4.1.3"; break;
            case "8": sender = "4.1.8"; rcpt = "4.1.2"; break;
            default: sender = "4.1.0"; rcpt = "4.1.0"; break;
        }
        if (SENDER.equals(replyClass)) {
            return sender;
        }
        if (RECIPIENT.equals(replyClass)) {
            return rcpt;
        }
        return "4.0.0";
    }

    /**
     * Postfix printable(): anything outside printable ASCII becomes {@code replacement}; with
     * {@code utf8} (smtputf8_enable) non-ASCII characters that decoded cleanly stay, as in Postfix
     * with util_utf8_enable.
     */
    static String printable(String text, char replacement, boolean utf8) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean keep = c >= 0x20 && c < 0x7f
                    || utf8 && c >= 0xa0 && c != '\uFFFD' && !Character.isISOControl(c);
            b.append(keep ? c : replacement);
        }
        return b.toString();
    }

}
