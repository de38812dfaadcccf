// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands a request to another master.cf delivery service, now, as Postfix's local(8) does for
 * {@code mailbox_transport} and {@code fallback_transport} (e.g.
 * {@code lmtp:unix:private/dovecot-lmtp}). Provided by core as an OSGi service.
 */
@ProviderType
public interface TransportDispatcher {

    /**
     * Delivers the request through the master.cf service {@code transport}, synchronously, with
     * that service's settings and arguments, as if the queue manager had routed it there. The
     * request's queue ID, sender, recipients, content and facts are passed on; its service,
     * nexthop, settings and arguments are replaced.
     * <p>
     * When master.cf has no delivery service of that name, or its agent is not installed, every
     * recipient is deferred ({@code 4.3.0 mail transport unavailable}), never bounced. A recipient
     * the agent gives no result for is deferred too.
     *
     * @param transport the master.cf service name, e.g. {@code lmtp}
     * @param nexthop   the nexthop in that agent's syntax, e.g. {@code unix:private/dovecot-lmtp}; may be empty
     * @param request   the message and recipients to hand over
     * @return one result per recipient of {@code request}
     */
    DeliveryResult deliver(String transport, String nexthop, DeliveryRequest request);
}
