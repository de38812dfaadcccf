// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one recipient, as a notice reports it.
 *
 * @param address           the recipient address (Final-Recipient)
 * @param originalRecipient ORCPT as the client gave it ({@code rfc822;user@example.com}), or empty
 * @param action            failed, delayed, delivered, relayed or expanded
 * @param status            RFC 3463 status, e.g. {@code 5.1.1}
 * @param diagnostic        the delivery agent's text, e.g. {@code host mx.example.com[192.0.2.1] said:
 *                          550 5.1.1 <u@example.com>: Recipient address rejected (in reply to RCPT TO command)}
 *                          or a local reason; may be empty
 * @param remoteMta         the host that answered ({@code mx.example.com}), or empty when none did;
 *                          when empty and the diagnostic says "host X said:", X is used
 * @param lastAttempt       when delivery was last tried, if it was
 */
public record RecipientReport(String address, String originalRecipient, DsnAction action, String status,
                              String diagnostic, String remoteMta, Optional<Instant> lastAttempt) {
    public RecipientReport {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(action, "action");
        originalRecipient = originalRecipient == null ? "" : originalRecipient;
        status = status == null ? "" : status;
        diagnostic = diagnostic == null ? "" : diagnostic;
        remoteMta = remoteMta == null ? "" : remoteMta;
        lastAttempt = lastAttempt == null ? Optional.empty() : lastAttempt;
    }
}
