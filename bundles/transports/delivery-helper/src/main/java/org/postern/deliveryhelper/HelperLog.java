// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

/**
 * The helper's log: Postfix-style lines on standard error, which the service manager keeps
 * (journald). Untrusted text is made printable and cut to about 100 characters.
 */
final class HelperLog {

    private static final String PREFIX = "postern/delivery-helper[" + ProcessHandle.current().pid() + "]: ";

    private HelperLog() {
    }

    static void info(String text) {
        System.err.println(PREFIX + text);
    }

    static void warning(String text) {
        System.err.println(PREFIX + "warning: " + text);
    }

    static void fatal(String text) {
        System.err.println(PREFIX + "fatal: " + text);
    }

    /** Untrusted text for a log line: control characters as '?', at most 100 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), 101));
        for (int i = 0; i < text.length() && b.length() < 100; i++) {
            char c = text.charAt(i);
            b.append(c < ' ' || c == 0x7f ? '?' : c);
        }
        if (text.length() > 100) {
            b.append("...");
        }
        return b.toString();
    }
}
