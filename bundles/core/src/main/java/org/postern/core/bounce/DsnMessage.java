// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.util.List;

/**
 * A notice ready for cleanup: envelope and RFC 5322 bytes (CRLF line ends).
 *
 * @param sender     envelope sender: empty for notices to the original sender, the
 *                   double-bounce address for postmaster copies
 * @param recipients envelope recipients
 * @param messageId  the notice's own Message-ID ({@code <...>})
 * @param content    the message
 */
public record DsnMessage(String sender, List<String> recipients, String messageId, byte[] content) {
    public DsnMessage {
        recipients = List.copyOf(recipients);
    }
}
