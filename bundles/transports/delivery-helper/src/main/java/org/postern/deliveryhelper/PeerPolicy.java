// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.UnixDomainPrincipal;

/**
 * SUMMARY   Who may talk to the helper: exactly one user, Postern's.
 * DESCRIPTION
 *   The decision is made on the peer credentials the kernel records for the connection
 *   (SO_PEERCRED: the user of the process that connected), never on anything the peer says.
 *   User principals compare by numeric uid.
 * SECURITY  The whole access control of the helper, together with the socket's mode.
 */
final class PeerPolicy {

    private final UserPrincipal allowed;

    PeerPolicy(UserPrincipal allowed) {
        this.allowed = allowed;
    }

    /** The policy for the user named {@code name}. */
    static PeerPolicy forUser(String name) throws IOException {
        return new PeerPolicy(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name));
    }

    /** The user that is served. */
    UserPrincipal allowed() {
        return allowed;
    }

    /** Whether a connection from {@code peer} is served. */
    boolean allows(UnixDomainPrincipal peer) {
        return peer != null && allowed.equals(peer.user());
    }
}
