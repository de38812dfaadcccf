// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.util.List;

/** Where the server's keys come from; asked at every handshake, so it must be cheap. */
public interface CredentialSource {

    /** A set of keys as loaded at one moment; the generation grows with every reload. */
    record Snapshot(long generation, List<Credential> credentials) {
        public Snapshot {
            credentials = List.copyOf(credentials);
        }
    }

    Snapshot current();
}
