// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.util.Set;

/**
 * One envelope recipient with its RFC 3461 parameters.
 *
 * @param address           the address to deliver to
 * @param originalRecipient ORCPT as given by the client ({@code rfc822;user@example.com}), or empty
 * @param notifyOn          NOTIFY=; empty means the default (FAILURE, DELAY)
 */
public record Recipient(String address, String originalRecipient, Set<DsnNotify> notifyOn) {
    public Recipient {
        notifyOn = Set.copyOf(notifyOn);
    }

    /** RFC 3461 NOTIFY values. */
    public enum DsnNotify { NEVER, SUCCESS, FAILURE, DELAY }
}
