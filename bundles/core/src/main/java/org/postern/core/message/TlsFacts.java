// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.util.Objects;

/**
 * The TLS session a message arrived over.
 *
 * @param protocol        TLSv1.3, TLSv1.2 ..., empty when the session was not encrypted
 * @param cipher          the cipher suite, empty when the session was not encrypted
 * @param receivedComment the comment lines smtpd_tls_received_header = yes puts into the
 *                        Received: header, as smtpd wrote them ("(using TLSv1.3 with cipher
 *                        ... (256/256 bits))", then a line on the client certificate, joined by
 *                        CRLF TAB); empty for none. Not kept in the queue file: cleanup writes
 *                        the header before the message is queued.
 */
public record TlsFacts(String protocol, String cipher, String receivedComment) {

    public static final TlsFacts NONE = new TlsFacts("", "");

    public TlsFacts {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(receivedComment, "receivedComment");
    }

    /** Without a Received: comment (smtpd_tls_received_header = no, or read back from the queue). */
    public TlsFacts(String protocol, String cipher) {
        this(protocol, cipher, "");
    }

    public boolean encrypted() {
        return !protocol.isEmpty();
    }
}
