// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.List;
import java.util.Optional;

/**
 * The filters' answer at the end of a message.
 *
 * @param reply          the final reply (Continue and Accept both mean "accept")
 * @param modifications  the changes to make before the message is queued, in order
 * @param quarantine     SMFIR_QUARANTINE's reason: put the message on hold (reported apart from the
 *                       reply, so a quarantined message can still be accepted or modified)
 */
public record EndOfMessage(MilterReply reply, List<Modification> modifications, Optional<String> quarantine) {

    public EndOfMessage {
        modifications = List.copyOf(modifications);
    }

    public static EndOfMessage of(MilterReply reply) {
        return new EndOfMessage(reply, List.of(), Optional.empty());
    }
}
