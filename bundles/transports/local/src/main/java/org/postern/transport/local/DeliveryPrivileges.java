// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.privileged.DirectDelivery;
import org.postern.transport.delivery.privileged.HelperClient;
import org.postern.transport.delivery.privileged.PrivilegedDelivery;
import org.postern.transport.delivery.privileged.UserIdentity;

/**
 * SUMMARY   How local(8) acts as a user: in this JVM or through the privileged delivery helper.
 * DESCRIPTION
 *   {@link #forUser} gives the JVM itself when it runs as root (files given to the user,
 *   commands through setpriv) or as that very user, else the helper at
 *   delivery_helper_socket. Users come from local_passwd_maps and may be unknown to the
 *   system's group database, so their supplementary groups are cleared, as for commands
 *   before.
 * SECURITY  When the helper is needed and not there, deliveries are deferred
 *   ({@link #unavailable}), never made as the wrong user.
 */
final class DeliveryPrivileges {

    private final DirectDelivery direct;
    private final HelperClient helper;
    private final int processUid;

    /** For a JVM running as {@code processUid}. */
    DeliveryPrivileges(DirectDelivery direct, HelperClient helper, int processUid) {
        this.direct = direct;
        this.helper = helper;
        this.processUid = processUid;
    }

    PrivilegedDelivery forUser(PasswdEntry user) {
        return PrivilegedDelivery.choose(user.uid(), processUid, direct, helper);
    }

    static UserIdentity identity(PasswdEntry user) {
        return new UserIdentity(user.name(), user.uid(), user.gid(), Setpriv.Groups.CLEAR);
    }

    /** The deferral when the helper did not answer for a delivery to {@code user}. */
    DeliveryStatus unavailable(PasswdEntry user) {
        return DeliveryStatus.deferred(PrivilegedDelivery.UNAVAILABLE_DSN,
                PrivilegedDelivery.unavailableText("local delivery to " + user.name(), helper.socket()));
    }
}
