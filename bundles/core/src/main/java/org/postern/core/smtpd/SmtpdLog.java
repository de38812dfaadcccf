// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Postfix-grammar log lines of the SMTP server on logger {@code postern.smtpd}, with MDC keys
 * {@code postern.service} and {@code postern.queue_id}. Client-supplied text goes through
 * {@link #LogText.printable(String)} first.
 */
final class SmtpdLog {

    static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    private SmtpdLog() {
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
