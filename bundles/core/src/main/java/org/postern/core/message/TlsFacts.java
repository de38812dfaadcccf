// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.util.Objects;

/**
 * The TLS session a message arrived over, for the Received: header.
 *
 * @param protocol TLSv1.3, TLSv1.2 ..., empty when the session was not encrypted
 * @param cipher   the cipher suite, empty when the session was not encrypted
 */
public record TlsFacts(String protocol, String cipher) {

    public static final TlsFacts NONE = new TlsFacts("", "");

    public TlsFacts {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
    }

    public boolean encrypted() {
        return !protocol.isEmpty();
    }
}
