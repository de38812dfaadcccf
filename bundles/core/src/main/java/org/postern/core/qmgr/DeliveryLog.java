// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Postfix's delivery log lines, so that pflogsumm and friends read them:
 * {@code QUEUEID: to=<rcpt>, orig_to=<orcpt>, relay=..., delay=1.2, delays=a/b/c/d, dsn=2.0.0, status=sent (...)},
 * on logger {@code postern.<service>} with MDC keys {@code postern.service} and {@code postern.queue_id}.
 */
final class DeliveryLog {

    static final Logger QMGR = LoggerFactory.getLogger("postern.qmgr");

    private DeliveryLog() {
    }

    static void delivery(String service, String queueId, String recipient, String orcpt, RecipientResult r,
                         Instant arrival, Instant loaded, Instant started, Instant done) {
        StringBuilder b = new StringBuilder(queueId).append(": to=<").append(LogText.printable(recipient)).append('>');
        if (orcpt != null && !orcpt.isEmpty()) {
            String bare = orcpt.regionMatches(true, 0, "rfc822;", 0, 7) ? orcpt.substring(7) : orcpt;
            if (!bare.equalsIgnoreCase(recipient)) {
                b.append(", orig_to=<").append(LogText.printable(bare)).append('>');
            }
        }
        b.append(", relay=").append(LogText.printable(r.relay() == null || r.relay().isEmpty() ? "none" : r.relay()))
                .append(", delay=").append(seconds(Duration.between(arrival, done)))
                .append(", delays=").append(seconds(Duration.between(arrival, loaded))).append('/')
                .append(seconds(Duration.between(loaded, started))).append("/0/")
                .append(seconds(Duration.between(started, done)))
                .append(", dsn=").append(r.dsnStatus())
                .append(", status=").append(status(r.outcome()))
                .append(" (").append(LogText.printable(r.diagnostic())).append(')');
        info(service, queueId, b.toString());
    }

    static String status(Outcome outcome) {
        return switch (outcome) {
            case DELIVERED, RELAYED, HANDED_OFF -> "sent";
            case EXPANDED -> "expanded";
            case DEFERRED -> "deferred";
            case BOUNCED -> "bounced";
        };
    }

    private static String seconds(Duration d) {
        double s = Math.max(0, d.toMillis()) / 1000.0;
        String text = String.format(Locale.ROOT, s < 10 ? "%.2f" : "%.0f", s);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    static void info(String service, String queueId, String message) {
        Logger log = LoggerFactory.getLogger("postern." + service);
        MDC.put("postern.service", service);
        MDC.put("postern.queue_id", queueId);
        try {
            log.info(message);
        } finally {
            MDC.remove("postern.service");
            MDC.remove("postern.queue_id");
        }
    }

    static void qmgr(String queueId, String message) {
        info("qmgr", queueId, message);
    }

    static void warn(String queueId, String message) {
        MDC.put("postern.queue_id", queueId == null ? "" : queueId);
        try {
            QMGR.warn("warning: {}", message);
        } finally {
            MDC.remove("postern.queue_id");
        }
    }
}
