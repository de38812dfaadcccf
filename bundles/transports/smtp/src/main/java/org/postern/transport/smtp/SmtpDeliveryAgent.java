// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;

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
import org.postern.api.tls.TlsReportSink;
import org.postern.transport.smtp.sts.MtaSts;

/**
 * SUMMARY   smtp - the SMTP delivery agent (Postfix smtp(8)): "relay unix - - n - - smtp".
 * DESCRIPTION
 *   Nexthops "example.com" (MX), "[host]", "[192.0.2.1]", "host:port", "[host]:port".
 *   ESMTP with HELO fallback, PIPELINING, SIZE, 8BITMIME (downgrade to quoted-printable
 *   when the server lacks it), DSN, SMTPUTF8, STARTTLS (smtp_tls_security_level none, may
 *   (default), encrypt, verify/secure), connection caching. Parameters: smtp_* with
 *   Postfix's defaults, plus smtp_connect_timeout_budget, smtp_connection_cache_size_limit
 *   (see {@link ClientSettings}). smtp_generic_maps rewrites envelope and primary header
 *   addresses ({@link GenericMaps}, {@link GenericHeader}); a failing table defers (4.3.0).
 *   SMTP AUTH with PLAIN and LOGIN (smtp_sasl_auth_enable, smtp_sasl_password_maps, ...;
 *   see {@link SmtpAuthenticator}, {@link SaslSettings}, {@link SaslPasswords}).
 *   TLS: smtp_tls_security_level and smtp_tls_policy_maps ({@link TlsPolicy}), DANE with
 *   smtp_dns_support_level = dnssec ({@link EndpointTlsPolicy}), MTA-STS (RFC 8461) built in
 *   for MX-routed destinations (package sts, {@link MtaSts}); each TLS attempt is reported to
 *   the registered TlsReportSink services (TLSRPT).
 * SECURITY  Talks to arbitrary servers on the Internet: every reply is untrusted input
 *   (bounded lines and replies, deadlines on every read and write).
 * BUGS      No XFORWARD, BDAT/CHUNKING, smtp_line_length_limit
 *   folding, bind addresses, loop detection. Without a DnsResolver service every lookup
 *   defers (IP literal nexthops still work).
 * SEE ALSO  Postfix smtp(8), postconf(5); RFC 5321, 2920, 1870, 6152, 3461, 6531, 3207.
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("smtp")
public final class SmtpDeliveryAgent implements DeliveryAgent {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    /** For smtp_generic_maps; without it, mail that needs the tables is deferred. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DictRegistry registry;

    private final SmtpClient client;

    /** Every TLS attempt is reported to each sink (the TLSRPT bundle's); none is fine. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTlsReportSink(TlsReportSink sink) {
        client.reports().add(sink);
    }

    void removeTlsReportSink(TlsReportSink sink) {
        client.reports().remove(sink);
    }

    public SmtpDeliveryAgent() {
        client = new SmtpClient(Protocol.SMTP, () -> dns, () -> registry);
    }

    /** For tests: an agent with this resolver (may be null). */
    SmtpDeliveryAgent(DnsResolver dns) {
        this(dns, null);
    }

    /** For tests: an agent with this resolver and table registry (either may be null). */
    SmtpDeliveryAgent(DnsResolver dns, DictRegistry registry) {
        this();
        this.dns = dns;
        this.registry = registry;
    }

    /** For tests: an agent with this resolver, table registry and MTA-STS (its cache directory and port). */
    SmtpDeliveryAgent(DnsResolver dns, DictRegistry registry, MtaSts sts) {
        this.dns = dns;
        this.registry = registry;
        client = new SmtpClient(Protocol.SMTP, () -> this.dns, () -> this.registry, sts);
    }

    /** For tests: these sinks instead of the registered ones. */
    void tlsReportSinks(List<TlsReportSink> sinks) {
        sinks.forEach(this::addTlsReportSink);
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
