// SPDX-License-Identifier: Apache-2.0
package org.postern.api.message;

import java.util.Objects;

/**
 * The client a message came from, as smtpd saw it (Postfix's client_* attributes).
 *
 * @param name        the verified client host name, or {@code unknown}
 * @param reverseName the name the client's address maps to in DNS, verified or not, or {@code unknown}
 * @param address     the client IP address, empty for mail that did not come over the network
 * @param port        the client TCP port, or -1 when there is none
 * @param heloName    the HELO/EHLO argument, empty when the client sent none
 * @param protocol    SMTP, ESMTP, ESMTPA, ESMTPS, ESMTPSA ..., or {@code local} for sendmail
 */
public record ClientFacts(String name, String reverseName, String address, int port, String heloName,
                          String protocol) {

    public ClientFacts {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reverseName, "reverseName");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** Mail submitted on this machine (sendmail), or forwarded by a delivery agent: no client. */
    public static ClientFacts local(String protocol) {
        return new ClientFacts("", "", "", -1, "", protocol);
    }

    /** True when the message came from a network client (it has an address). */
    public boolean isRemote() {
        return !address.isEmpty();
    }
}
