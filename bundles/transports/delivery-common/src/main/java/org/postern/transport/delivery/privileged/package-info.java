// SPDX-License-Identifier: Apache-2.0
/**
 * Deliveries made as another user: the {@link org.postern.transport.delivery.privileged.PrivilegedDelivery}
 * interface the local and pipe agents call, its two implementations (in this JVM when it is
 * root or the target is its own user, {@link org.postern.transport.delivery.privileged.DirectDelivery};
 * through the privileged delivery helper's UNIX-domain socket otherwise,
 * {@link org.postern.transport.delivery.privileged.HelperClient}) and the helper's wire
 * protocol ({@link org.postern.transport.delivery.privileged.HelperProtocol}), which the
 * helper process shares. See docs/privilege-separation.md.
 */
@Export
@Version("0.1.0")
package org.postern.transport.delivery.privileged;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
