// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What access(5) restrictions and header/body checks decided should happen to a message, besides
 * answering the client. smtpd collects them per transaction, cleanup adds its own and applies
 * redirect, bcc, prepend and discard; hold and filter stay on the queued envelope for the queue
 * manager.
 *
 * @param hold     HOLD: the reason to log; present means the message goes to the hold queue
 * @param discard  DISCARD: the reason to log; present means the message is dropped after a 250
 * @param filter   FILTER transport:destination: where every recipient goes instead
 * @param redirect REDIRECT: the one address that replaces all recipients
 * @param bcc      BCC: blind-copy recipients, in order
 * @param prepend  PREPEND: header lines to put before the message, in order
 */
public record MessageActions(Optional<String> hold, Optional<String> discard, Optional<String> filter,
                             Optional<String> redirect, List<String> bcc, List<String> prepend) {

    public static final MessageActions NONE = new MessageActions(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of(), List.of());

    public MessageActions {
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(discard, "discard");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(redirect, "redirect");
        bcc = List.copyOf(bcc);
        prepend = List.copyOf(prepend);
    }

    public MessageActions withHold(String reason) {
        return new MessageActions(Optional.of(reason), discard, filter, redirect, bcc, prepend);
    }

    public MessageActions withDiscard(String reason) {
        return new MessageActions(hold, Optional.of(reason), filter, redirect, bcc, prepend);
    }

    public MessageActions withFilter(String nexthop) {
        return new MessageActions(hold, discard, Optional.of(nexthop), redirect, bcc, prepend);
    }

    public MessageActions withRedirect(String address) {
        return new MessageActions(hold, discard, filter, Optional.of(address), bcc, prepend);
    }

    public MessageActions withBcc(String address) {
        return new MessageActions(hold, discard, filter, redirect, append(bcc, address), prepend);
    }

    public MessageActions withPrepend(String headerLine) {
        return new MessageActions(hold, discard, filter, redirect, bcc, append(prepend, headerLine));
    }

    /**
     * What the queue keeps once cleanup has applied the rest: hold and filter (redirect, bcc and
     * prepend are done by then, and a discarded message is never queued).
     */
    public MessageActions queued() {
        return new MessageActions(hold, Optional.empty(), filter, Optional.empty(), List.of(), List.of());
    }

    private static List<String> append(List<String> list, String value) {
        List<String> out = new ArrayList<>(list);
        out.add(value);
        return out;
    }
}
