// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

/**
 * Untrusted text (client input, table contents, DNS answers) made safe for one log line:
 * CR and LF escaped as \r and \n, other control characters replaced by '?', cut at 100
 * characters with "..." appended. The one rule for every Postern log line and warning.
 */
public final class LogText {

    static final int MAX = 100;

    private LogText() {
    }

    /** The text as it may appear in a log line; "" for null. */
    public static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX) + 8);
        for (int i = 0; i < text.length() && b.length() < MAX; i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (Character.isISOControl(c)) {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        return b.length() >= MAX && text.length() > MAX ? b + "..." : b.toString();
    }
}
