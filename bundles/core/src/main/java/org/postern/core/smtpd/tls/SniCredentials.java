// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

/**
 * tls_server_sni_maps: the keys for a name the client asked for with SNI.
 */
public interface SniCredentials {

    /** A table entry found for a name: the key that matched (the name or a parent ".domain") and its keys. */
    record Match(String key, CredentialSource source) {
    }

    /**
     * The table could not say which keys serve the name (a lookup error, or an entry whose files
     * cannot be used): the handshake is aborted, never served with the default keys, as Postfix's
     * server_sni_callback does.
     */
    final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Failure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The keys for {@code serverName} (lower case), or null to use the default ones (no entry).
     *
     * @throws Failure the table failed for this name
     */
    Match forName(String serverName);
}
