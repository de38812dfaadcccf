// SPDX-License-Identifier: Apache-2.0
/**
 * Delivery agents (smtp, lmtp, local, virtual, pipe, ...). A transport bundle registers a
 * {@link org.postern.api.delivery.DeliveryAgent} with {@code postern.transport.agent=<name>}
 * (most simply {@code @Component(service = DeliveryAgent.class) @TransportAgent("smtp")});
 * master.cf services name the agent in their command field, and core's queue manager calls it
 * with one message for the recipients of one nexthop. Agents read their settings from
 * {@link org.postern.api.delivery.ServiceSettings}, look up tables through
 * {@link org.postern.api.dict.DictRegistry} and DNS through {@link org.postern.api.dns.DnsResolver}
 * (both OSGi services), queue forwarded mail with {@link org.postern.api.delivery.MessageSubmitter}
 * and hand recipients to another master.cf service with {@link org.postern.api.delivery.TransportDispatcher}.
 * 1.0.0: {@link org.postern.api.delivery.DeliveryRequest} carries typed
 * {@link org.postern.api.message.MessageFacts} instead of an attribute map, and
 * {@link org.postern.api.delivery.MessageSubmitter} takes a {@link org.postern.api.message.DsnRequest};
 * agents read their own parameters through their declarations
 * ({@link org.postern.api.parameter.ParameterSet}), and a malformed value is an error naming
 * file, line and parameter; a major version because the name-and-default getters no longer fall
 * back to the default on a malformed value.
 */
@Export
@Version("1.0.0")
package org.postern.api.delivery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
