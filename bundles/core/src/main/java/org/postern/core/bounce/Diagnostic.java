// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SUMMARY   A delivery agent's diagnostic split into the parts a DSN wants.
 * DESCRIPTION
 *   "host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)" becomes
 *   Diagnostic-Code type {@code smtp} with the reply text alone, and Remote-MTA
 *   {@code mx.example.com}; a text that starts with a reply code is also {@code smtp};
 *   anything else is a local reason, type {@code X-Postfix} as Postfix writes it.
 *   <p>Privacy (the wishlist's "remove local command/pathname details from remote delivery
 *   status reports"): in notices to the sender, every absolute path in a local diagnostic
 *   (a "/" that starts a word and at least two path components, such as
 *   {@code /usr/lib/dovecot/deliver}) is replaced by {@code (local path)}. SMTP replies
 *   come from other hosts and are kept as they are. Postmaster copies keep everything.
 * SECURITY  Diagnostics carry remote servers' replies and local command output: CR, LF and
 *   other controls become spaces and the text is cut at 900 characters, so that nothing can
 *   add a field or a line to the report.
 */
record Diagnostic(String type, String text, String remoteMta) {

    static final int MAX = 900;

    private static final Pattern HOST_SAID = Pattern.compile(
            "^host ([^\\s\\[]+)(?:\\[[^\\]]*\\])?(?::\\d+)? said: (.*?)(?: \\(in reply to [^)]*\\))?$", Pattern.DOTALL);
    private static final Pattern REPLY = Pattern.compile("^[245]\\d\\d[ -].*", Pattern.DOTALL);
    private static final Pattern LOCAL_PATH = Pattern.compile("(?<![\\w.@:/~-])/(?:[\\w.+@-]+/)+[\\w.+@-]*");

    static Diagnostic of(String diagnostic, String remoteMta, boolean forSender) {
        String clean = oneLine(diagnostic);
        Matcher m = HOST_SAID.matcher(clean);
        if (m.matches()) {
            return new Diagnostic("smtp", m.group(2), remoteMta.isEmpty() ? m.group(1) : remoteMta);
        }
        if (REPLY.matcher(clean).matches()) {
            return new Diagnostic("smtp", clean, remoteMta);
        }
        return new Diagnostic("X-Postfix", forSender ? withoutLocalPaths(clean) : clean, remoteMta);
    }

    /** The text for the human-readable part: the whole diagnostic, local paths removed for senders. */
    static String humanText(String diagnostic, boolean forSender) {
        String clean = oneLine(diagnostic);
        if (!forSender || HOST_SAID.matcher(clean).matches() || REPLY.matcher(clean).matches()) {
            return clean;
        }
        return withoutLocalPaths(clean);
    }

    static String withoutLocalPaths(String text) {
        return LOCAL_PATH.matcher(text).replaceAll("(local path)");
    }

    static String oneLine(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX));
        for (int i = 0; i < text.length() && b.length() < MAX; i++) {
            char c = text.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString().strip();
    }
}
