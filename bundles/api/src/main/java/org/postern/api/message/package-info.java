// SPDX-License-Identifier: Apache-2.0
/**
 * What Postern knows about a message besides its content and recipients, as types: the SMTP
 * client ({@link org.postern.api.message.ClientFacts}), its SASL login
 * ({@link org.postern.api.message.SaslFacts}), the RFC 3461 envelope parameters
 * ({@link org.postern.api.message.DsnRequest}), and all of it together as a delivery agent
 * sees it ({@link org.postern.api.message.MessageFacts}). smtpd and sendmail record these
 * facts, the queue stores them, and delivery agents read them from
 * {@link org.postern.api.delivery.DeliveryRequest#facts()}. Still 0.x.
 */
@Export
@Version("0.2.0")
package org.postern.api.message;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
