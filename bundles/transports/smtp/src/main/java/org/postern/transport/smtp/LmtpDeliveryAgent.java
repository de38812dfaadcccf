// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.TransportAgent;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;

/**
 * SUMMARY   lmtp - the LMTP delivery agent (Postfix lmtp(8)): "lmtp unix - - n - - lmtp".
 * DESCRIPTION
 *   Nexthops "unix:/run/dovecot/lmtp", "inet:host:port", "inet:[addr]:port", "host"
 *   (lmtp_tcp_port, default 24); no MX lookups. LHLO, PIPELINING, SIZE, 8BITMIME, DSN,
 *   SMTPUTF8, one reply per accepted recipient after the content (RFC 2033). lmtp_*
 *   parameters with Postfix's defaults (lmtp_connect_timeout 0s: the system's limit);
 *   lmtp_tls_security_level empty means none. Accepted recipients are RELAYED, HANDED_OFF
 *   when the server offers DSN, DELIVERED with lmtp_assume_final = yes (as Postfix).
 *   lmtp_generic_maps maps envelope and primary header addresses as smtp_generic_maps does.
 * SECURITY  The server is usually local and trusted; its replies are still bounded.
 * BUGS      No STARTTLS over UNIX-domain sockets (so PLAIN and LOGIN need lmtp_sasl_security_options
 *           without noplaintext there).
 * SEE ALSO  Postfix lmtp(8); RFC 2033.
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("lmtp")
public final class LmtpDeliveryAgent implements DeliveryAgent {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    /** For smtp_generic_maps; without it, mail that needs the tables is deferred. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DictRegistry registry;

    private final SmtpClient client = new SmtpClient(Protocol.LMTP, () -> dns, () -> registry);

    public LmtpDeliveryAgent() {
    }

    /** For tests: an agent with this resolver (may be null). */
    LmtpDeliveryAgent(DnsResolver dns) {
        this.dns = dns;
    }

    /** For tests: an agent with this resolver and table registry (either may be null). */
    LmtpDeliveryAgent(DnsResolver dns, DictRegistry registry) {
        this.dns = dns;
        this.registry = registry;
    }

    @Override
    public DeliveryResult deliver(DeliveryRequest request) {
        return client.deliver(request);
    }

    /** Closes cached connections and stops the watchdog thread. */
    @Deactivate
    void deactivate() {
        client.close();
    }
}
