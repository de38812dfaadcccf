// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

/**
 * tls_server_sni_maps: the keys for a name the client asked for with SNI.
 */
public interface SniCredentials {

    /** A table entry found for a name: the key that matched (the name or a parent ".domain") and its keys. */
    record Match(String key, CredentialSource source) {
    }

    /** The keys for {@code serverName} (lower case), or null to use the default ones. */
    Match forName(String serverName);
}
