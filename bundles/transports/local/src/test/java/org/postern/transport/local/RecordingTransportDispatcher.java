// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.delivery.TransportDispatcher;

/** Records each handoff and answers every recipient with {@link #answer} (delivered by default). */
final class RecordingTransportDispatcher implements TransportDispatcher {

    record Handoff(String transport, String nexthop, DeliveryRequest request) {
    }

    final List<Handoff> handoffs = new CopyOnWriteArrayList<>();
    volatile Function<Recipient, RecipientResult> answer =
            r -> new RecipientResult(r, Outcome.DELIVERED, "2.0.0", "250 2.0.0 Saved", "private/dovecot-lmtp");

    @Override
    public DeliveryResult deliver(String transport, String nexthop, DeliveryRequest request) {
        handoffs.add(new Handoff(transport, nexthop, request));
        return new DeliveryResult(request.recipients().stream().map(answer).toList());
    }
}
