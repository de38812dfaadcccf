// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

/**
 * What happened to one recipient.
 *
 * @param recipient  the recipient from the request
 * @param outcome    delivered, deferred or bounced
 * @param dsnStatus  RFC 3463 status, e.g. {@code 2.0.0}, {@code 4.4.1}, {@code 5.1.1}
 * @param diagnostic the remote reply or local reason; no local paths or commands in text meant for remote senders
 * @param relay      where it went, e.g. {@code mx.example.com[192.0.2.1]:25}, or {@code none}
 */
public record RecipientResult(Recipient recipient, Outcome outcome, String dsnStatus, String diagnostic, String relay) {

    /**
     * What the queue manager does next. Success notices (NOTIFY=SUCCESS) follow RFC 3464's
     * actions: DELIVERED sends "delivered", RELAYED "relayed", EXPANDED "expanded"; HANDED_OFF
     * sends none, because the next hop received NOTIFY/ORCPT and took over.
     */
    public enum Outcome {
        /** Final delivery: mailbox, maildir, pipe command, LMTP server. */
        DELIVERED,
        /** Accepted by a next hop that does not support DSN. */
        RELAYED,
        /** Accepted by a DSN-capable next hop with NOTIFY and ORCPT passed on. */
        HANDED_OFF,
        /** Expanded (alias, .forward) into other recipients, which were queued anew. */
        EXPANDED,
        /** Try again later (4xx, timeouts, resource shortage). */
        DEFERRED,
        /** Undeliverable: return to sender (5xx, unknown user, loops). */
        BOUNCED
    }
}
