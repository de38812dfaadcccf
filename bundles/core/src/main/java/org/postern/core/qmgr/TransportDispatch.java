// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

/**
 * SUMMARY   Runs one request through a named master.cf delivery service, synchronously
 *           (Postfix's deliver_pass(), used by local(8) for mailbox_transport and fallback_transport).
 * DESCRIPTION
 *   The request keeps its queue ID, sender, recipients, content and facts and gets the
 *   service's name, settings and arguments and the given nexthop. An unknown service or a
 *   missing agent defers every recipient ("mail transport unavailable"), as the queue manager
 *   does; so does an agent that throws, and a recipient it gives no result for.
 *   Dispatches nest on the calling thread (local hands to a second local service, which hands
 *   on); past {@link #NESTING_LIMIT} the recipients are deferred, so that a mailbox_transport
 *   naming its own service ends as a deferral, not a stack overflow.
 * SECURITY  The request comes from the queue; nothing here reads it.
 * SEE ALSO  Postfix local(8) mailbox_transport, fallback_transport.
 */
final class TransportDispatch {

    static final int NESTING_LIMIT = 4;

    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final Function<String, TransportService> services;
    private final Function<String, DeliveryAgent> agents;

    /**
     * @param services the master.cf delivery services by name (null when there is none)
     * @param agents   the installed agents by agent name (null when there is none)
     */
    TransportDispatch(Function<String, TransportService> services, Function<String, DeliveryAgent> agents) {
        this.services = services;
        this.agents = agents;
    }

    DeliveryResult deliver(String transport, String nexthop, DeliveryRequest request) {
        TransportService service = services.apply(transport);
        DeliveryAgent agent = service == null ? null : agents.apply(service.agent());
        if (agent == null) {
            return deferAll(request, "4.3.0", "mail transport unavailable");
        }
        int[] depth = DEPTH.get();
        if (depth[0] >= NESTING_LIMIT) {
            DeliveryLog.warn(request.queueId(), "transport " + transport + " nested more than " + NESTING_LIMIT
                    + " deep: check mailbox_transport and fallback_transport");
            return deferAll(request, "4.3.5", "mail system configuration error");
        }
        DeliveryRequest handed = new DeliveryRequest(request.queueId(), service.name(), nexthop == null ? "" : nexthop,
                request.sender(), request.recipients(), request.content(), request.facts(), service.arguments(),
                service.settings());
        DeliveryResult result = null;
        depth[0]++;
        try {
            result = agent.deliver(handed);
        } catch (RuntimeException | LinkageError e) {
            DeliveryLog.warn(request.queueId(), "delivery agent " + service.agent() + " failed: " + e);
        } finally {
            depth[0]--;
        }
        return complete(request, result, service.agent());
    }

    /** One result per recipient of the request, in its order; what the agent left out is deferred. */
    private static DeliveryResult complete(DeliveryRequest request, DeliveryResult result, String agent) {
        Map<Recipient, RecipientResult> given = new HashMap<>();
        if (result != null) {
            for (RecipientResult r : result.results()) {
                given.putIfAbsent(r.recipient(), r);
            }
        }
        List<RecipientResult> out = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            RecipientResult found = given.get(r);
            out.add(found != null ? found : new RecipientResult(r, Outcome.DEFERRED, "4.3.0",
                    "delivery agent " + agent + " gave no result", "none"));
        }
        return new DeliveryResult(out);
    }

    private static DeliveryResult deferAll(DeliveryRequest request, String dsn, String text) {
        List<RecipientResult> out = new ArrayList<>();
        for (Recipient r : request.recipients()) {
            out.add(new RecipientResult(r, Outcome.DEFERRED, dsn, text, "none"));
        }
        return new DeliveryResult(out);
    }
}
