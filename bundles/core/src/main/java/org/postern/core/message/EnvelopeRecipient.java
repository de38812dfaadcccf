// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.util.Set;

import org.postern.api.delivery.Recipient.DsnNotify;

/**
 * One envelope recipient as received, with its RFC 3461 parameters.
 *
 * @param address           the address as given in RCPT TO (after canonicalisation by cleanup, later)
 * @param originalRecipient ORCPT= (e.g. {@code rfc822;user@example.com}), or empty
 * @param notifyOn          NOTIFY=; empty means the default (FAILURE, DELAY)
 */
public record EnvelopeRecipient(String address, String originalRecipient, Set<DsnNotify> notifyOn) {
    public EnvelopeRecipient {
        notifyOn = Set.copyOf(notifyOn);
    }
}
