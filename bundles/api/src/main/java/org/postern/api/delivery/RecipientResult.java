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

    public enum Outcome { DELIVERED, DEFERRED, BOUNCED }
}
