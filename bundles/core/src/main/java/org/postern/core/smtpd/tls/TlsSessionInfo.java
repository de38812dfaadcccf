// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import org.postern.api.support.CipherSuites;

/**
 * What one completed handshake established, for the log, the Received: header and the
 * restrictions.
 *
 * @param protocol     TLSv1.3, TLSv1.2
 * @param cipher       the JSSE suite name
 * @param client       the client's certificate, or null when none was asked for or sent
 * @param certAsked    a client certificate was asked for
 * @param serverName   the SNI name the client asked for, or null
 * @param resumed      the session was resumed, not made by this handshake
 */
public record TlsSessionInfo(String protocol, String cipher, ClientCertificate client, boolean certAsked,
                             String serverName, boolean resumed) {

    /** The cipher as OpenSSL (and so Postfix) names it. */
    public String openSslCipher() {
        return CipherSuites.openSslName(cipher);
    }

    public int bits() {
        return CipherSuites.bits(cipher);
    }

    /** "Anonymous", "Trusted" or "Untrusted", as Postfix's smtpd. */
    public String trustWord() {
        if (client == null) {
            return "Anonymous";
        }
        return client.trusted() ? "Trusted" : "Untrusted";
    }

    /** Postfix's line: "Anonymous TLS connection established from host[addr]: TLSv1.3 with cipher ... (256/256 bits)". */
    public String logLine(String clientName) {
        return trustWord() + " TLS connection established from " + clientName + ": " + protocol
                + " with cipher " + openSslCipher() + " (" + bits() + "/" + bits() + " bits)";
    }

    /** The Received: header comment lines Postfix adds with smtpd_tls_received_header = yes. */
    public String receivedComment() {
        String using = "(using " + protocol + " with cipher " + openSslCipher() + " (" + bits() + "/" + bits()
                + " bits))";
        if (!certAsked) {
            return using + "\r\n\t(No client certificate requested)";
        }
        if (client == null) {
            return using + "\r\n\t(No client certificate present)";
        }
        return using + "\r\n\t(Client CN \"" + client.subjectCn() + "\", Issuer \"" + client.issuerCn() + "\" ("
                + (client.trusted() ? "verified OK" : "not verified") + "))";
    }
}
