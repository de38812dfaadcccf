// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.List;

/**
 * The access(5) message actions one evaluation collects (Postfix keeps them in the session
 * state). HOLD is kept once; DISCARD also ends every list still running.
 */
final class CollectedActions {

    private final List<MessageAction> actions = new ArrayList<>();
    private boolean discarded;

    void add(MessageAction action) {
        actions.add(action);
    }

    void hold(MessageAction.Hold hold) {
        if (actions.stream().noneMatch(a -> a instanceof MessageAction.Hold)) {
            actions.add(hold);
        }
    }

    void discard(MessageAction.Discard discard) {
        actions.add(discard);
        discarded = true;
    }

    /** A DISCARD was found: the remaining restrictions and recipient checks are skipped. */
    boolean discarded() {
        return discarded;
    }

    List<MessageAction> list() {
        return List.copyOf(actions);
    }
}
