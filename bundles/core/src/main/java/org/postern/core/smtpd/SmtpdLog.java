// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Postfix-grammar log lines of the SMTP server on logger {@code postern.smtpd}, with MDC keys
 * {@code postern.service} and {@code postern.queue_id}. Client-supplied text goes through
 * {@link #printable(String)} first.
 */
final class SmtpdLog {

    static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");
    private static final int MAX = 100;

    private SmtpdLog() {
    }

    /** Truncates to about 100 characters and escapes CR, LF and other control characters. */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX) + 8);
        for (int i = 0; i < text.length() && sb.length() < MAX; i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c)) {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= MAX && text.length() > MAX) {
            sb.append("...");
        }
        return sb.toString();
    }

    static void info(String service, String queueId, String message) {
        withMdc(service, queueId, () -> LOG.info(message));
    }

    static void warn(String service, String queueId, String message) {
        withMdc(service, queueId, () -> LOG.warn("warning: " + message));
    }

    private static void withMdc(String service, String queueId, Runnable r) {
        MDC.put("postern.service", service);
        if (queueId != null) {
            MDC.put("postern.queue_id", queueId);
        }
        try {
            r.run();
        } finally {
            MDC.remove("postern.service");
            MDC.remove("postern.queue_id");
        }
    }
}
