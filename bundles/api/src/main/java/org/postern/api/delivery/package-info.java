// SPDX-License-Identifier: Apache-2.0
/**
 * Delivery agents (smtp, lmtp, local, virtual, pipe, ...): first draft, refined by the delivery issue.
 * A transport bundle registers a {@link org.postern.api.delivery.DeliveryAgent} with
 * {@code postern.transport.agent=<name>}; master.cf services name the agent in their command field.
 */
@Export
@Version("0.1.0")
package org.postern.api.delivery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
