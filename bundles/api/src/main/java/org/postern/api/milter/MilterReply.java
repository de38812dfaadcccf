// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.List;

/** What the filters of a session answered to one event (all of them, first refusal wins). */
public sealed interface MilterReply {

    /** Go on; ask again at the next event. */
    record Continue() implements MilterReply {
    }

    /** Accept: no more events for this message (or session, at CONNECT/HELO). */
    record Accept() implements MilterReply {
    }

    /**
     * Refuse with this reply: SMFIR_REJECT (550 5.7.1 Command rejected), SMFIR_TEMPFAIL (451 4.7.1
     * Service unavailable - try again later), SMFIR_REPLYCODE (code, status and lines as sent),
     * SMFIR_SHUTDOWN (421); also a filter's default action.
     *
     * @param status enhanced status code, "" when none
     * @param lines  the reply's text lines (one at least)
     */
    record Refuse(int code, String status, List<String> lines) implements MilterReply {
        public Refuse {
            lines = List.copyOf(lines);
            if (code < 400 || code > 599 || lines.isEmpty()) {
                throw new IllegalArgumentException("a refusal is 4xx or 5xx with text: " + code + " " + lines);
            }
        }

        public boolean temporary() {
            return code < 500;
        }
    }

    /** Claim success and drop the message (the transaction, before END_OF_DATA). */
    record Discard() implements MilterReply {
    }

    /** Accept and put the message on hold with the filter's reason (SMFIR_QUARANTINE, default_action=quarantine). */
    record Quarantine(String reason) implements MilterReply {
    }

    MilterReply CONTINUE = new Continue();
    MilterReply ACCEPT = new Accept();
    MilterReply DISCARD = new Discard();
}
