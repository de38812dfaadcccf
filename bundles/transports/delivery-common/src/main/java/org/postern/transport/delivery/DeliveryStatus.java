// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

/**
 * What became of one delivery attempt, before it is tied to a recipient.
 *
 * @param outcome delivered, expanded, deferred or bounced
 * @param dsn     RFC 3463 status
 * @param text    the diagnostic, fit for the sender's notice (no local paths or commands)
 */
public record DeliveryStatus(Outcome outcome, String dsn, String text) {

    public static DeliveryStatus delivered(String text) {
        return new DeliveryStatus(Outcome.DELIVERED, "2.0.0", text);
    }

    public static DeliveryStatus expanded(String text) {
        return new DeliveryStatus(Outcome.EXPANDED, "2.0.0", text);
    }

    public static DeliveryStatus deferred(String dsn, String text) {
        return new DeliveryStatus(Outcome.DEFERRED, dsn, text);
    }

    public static DeliveryStatus bounced(String dsn, String text) {
        return new DeliveryStatus(Outcome.BOUNCED, dsn, text);
    }

    /** Deferred or bounced as the exception's status says. */
    public static DeliveryStatus of(MailboxException e) {
        return e.isTemporary() ? deferred(e.dsnStatus(), e.getMessage()) : bounced(e.dsnStatus(), e.getMessage());
    }

    public boolean isDeferred() {
        return outcome == Outcome.DEFERRED;
    }

    public boolean isBounced() {
        return outcome == Outcome.BOUNCED;
    }

    public RecipientResult toResult(Recipient recipient, String relay) {
        return new RecipientResult(recipient, outcome, dsn, text, relay);
    }
}
