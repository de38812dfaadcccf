// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the SMTP server (or sendmail) learned about a message besides its content.
 *
 * @param sender     MAIL FROM address; empty for the null sender {@code <>}
 * @param recipients RCPT TO recipients, in order
 * @param arrival    when the client finished sending (the time of the 250 reply)
 * @param dsnEnvelopeId ENVID=, or empty
 * @param dsnReturn  RET=: "FULL", "HDRS" or empty
 * @param attributes client facts by Postfix's names: client_name, client_address, client_port,
 *                   helo_name, protocol (SMTP/ESMTP/ESMTPS...), sasl_username, body (7BIT/8BITMIME),
 *                   smtputf8 (true/false), ...
 */
public record Envelope(String sender, List<EnvelopeRecipient> recipients, Instant arrival,
                       String dsnEnvelopeId, String dsnReturn, Map<String, String> attributes) {
    public Envelope {
        recipients = List.copyOf(recipients);
        attributes = Map.copyOf(attributes);
    }
}
