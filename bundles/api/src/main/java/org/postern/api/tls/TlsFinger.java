// SPDX-License-Identifier: Apache-2.0
package org.postern.api.tls;

import java.io.PrintWriter;

import org.osgi.annotation.versioning.ProviderType;
import org.postern.api.delivery.ServiceSettings;

/**
 * Connects to a destination as the smtp client would and tells why it uses the TLS it uses
 * (Postfix's posttls-finger): the policy table or default level, DNS and DNSSEC, DANE, MTA-STS,
 * then the handshake and the server certificate. Registered by the smtp bundle; the shell's
 * {@code postern:tls-finger} and {@code bin/posttls-finger} call it.
 */
@ProviderType
public interface TlsFinger {

    /**
     * @param destination a nexthop as transport(5) writes it: "example.com", "[mx.example.com]:587"
     * @param settings    main.cf as the smtp client reads it
     * @param out         one line per step
     * @return 0 when a TLS session was established, 1 otherwise
     */
    int finger(String destination, ServiceSettings settings, PrintWriter out);
}
