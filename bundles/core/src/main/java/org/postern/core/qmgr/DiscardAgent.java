// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.delivery.TransportAgent;

/**
 * SUMMARY   discard(8): reports every recipient delivered and throws the message away.
 * DESCRIPTION The nexthop, if any, is the reason logged ("status=sent (discarded: reason)").
 * SEE ALSO  Postfix discard(8).
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("discard")
public final class DiscardAgent implements DeliveryAgent {

    @Override
    public DeliveryResult deliver(DeliveryRequest request) {
        String reason = request.nexthop().isBlank() ? "discarded" : "discarded: " + request.nexthop().strip();
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            results.add(new RecipientResult(r, Outcome.DELIVERED, "2.0.0", reason, "none"));
        }
        return new DeliveryResult(results);
    }
}
