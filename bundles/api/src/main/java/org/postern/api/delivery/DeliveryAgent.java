// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Delivers one message to the recipients of one request, all for one nexthop.
 * Must return a result for every recipient; an exception counts as "deferred" for all of them.
 */
@ConsumerType
public interface DeliveryAgent {

    /** The service property naming the agent, as master.cf's command field does. */
    String AGENT_PROPERTY = "postern.transport.agent";

    DeliveryResult deliver(DeliveryRequest request);
}
