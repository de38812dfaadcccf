// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers one message to the recipients of one request, all for one nexthop.
 * Must return a result for every recipient (matched by {@link Recipient} equality); a missing
 * result or an exception counts as "deferred" for the recipients concerned. Called from several
 * threads at once (the queue manager limits concurrency per transport and destination).
 * Diagnostics follow Postfix's wording ({@code host mx.example.com[192.0.2.1] said: 550 5.1.1
 * <u@example.com>: Recipient address rejected}); texts meant for remote senders carry no
 * local paths or commands.
 */
@ConsumerType
public interface DeliveryAgent {

    /** The service property naming the agent, as master.cf's command field does. */
    String AGENT_PROPERTY = "postern.transport.agent";

    DeliveryResult deliver(DeliveryRequest request);
}
