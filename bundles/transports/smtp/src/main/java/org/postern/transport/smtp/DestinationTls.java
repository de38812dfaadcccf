// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.Locale;
import java.util.Optional;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;
import org.postern.transport.smtp.sts.StsDecision;

/**
 * SUMMARY   The TLS of one delivery: the destination's policy (smtp_tls_policy_maps, else
 *           smtp_tls_security_level), DNS support, MTA-STS, and the message's REQUIRETLS or
 *           "TLS-Required: no"; what each endpoint then gets comes from {@link EndpointTlsPolicy}.
 * DESCRIPTION
 *   MTA-STS applies to an MX-routed domain (not a [host] nexthop, not an address) without a
 *   policy table entry, which wins, and only at levels may, encrypt and dane (DANE wins where
 *   both exist; none and the stronger levels are the administrator's explicit choice).
 *   REQUIRETLS (with requiretls_enable) is carried out as smtp_requiretls_policy says for the
 *   next-hop name ({@link RequireTlsPolicy}): enforce admits only authenticated TLS to a server
 *   that offers it; opportunistic+starttls makes TLS mandatory for the message (a host without
 *   STARTTLS is skipped) and sends REQUIRETLS where offered; opportunistic and disable leave
 *   the TLS policy as configured. "TLS-Required: no" in a message without REQUIRETLS turns
 *   DANE and MTA-STS off.
 */
final class DestinationTls {

    /** Shared with smtpd: REQUIRETLS announced and honoured (Postfix 3.12's requiretls_enable). */
    static final String REQUIRETLS_ENABLE = "requiretls_enable";

    /** The destination's TLS policy cannot be looked up or carried out: the mail is deferred with this text. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    private final TlsPolicy policy;
    private final boolean fromTable;
    private final DnsSupport dnsSupport;
    private final EndpointTlsPolicy endpoints;
    private final String settingsLabel;
    private final String policyDomain;
    private StsDecision sts;
    /** The REQUIRETLS action for this message, or null when it did not ask for REQUIRETLS (or it is off). */
    private RequireTlsPolicy.Action requireTls;
    private boolean tlsRequiredNo;

    private DestinationTls(TlsPolicy policy, boolean fromTable, DnsSupport dnsSupport, EndpointTlsPolicy endpoints,
                           String settingsLabel, String policyDomain) {
        this.policy = policy;
        this.fromTable = fromTable;
        this.dnsSupport = dnsSupport;
        this.endpoints = endpoints;
        this.settingsLabel = settingsLabel;
        this.policyDomain = policyDomain;
    }

    static DestinationTls of(SmtpClient client, DeliveryRequest request, String destination, Nexthop nexthop)
            throws Unusable {
        Protocol protocol = client.protocol();
        DnsSupport support = DnsSupport.of(protocol, request.settings());
        TlsPolicy configured = ClientSettings.configuredTls(protocol, request.settings());
        TlsPolicy policy;
        try {
            policy = TlsPolicy.forDestination(request.settings().list(ClientParameters.of(protocol).tlsPolicyMaps),
                    destination, client::registry, configured);
        } catch (ClientTables.Failure e) {
            client.log().warn("warning: {}: {}", request.queueId(), e.getMessage());
            throw new Unusable("TLS policy lookup failure");
        }
        if (!policy.supported()) {
            client.log().warn("warning: {}: TLS policy for {}: {}", request.queueId(), LogText.printable(destination),
                    policy.unsupported());
            throw new Unusable(policy.unsupported());
        }
        if ((policy.level() == ClientSettings.TlsLevel.DANE || policy.level() == ClientSettings.TlsLevel.DANE_ONLY)
                && !support.dnssec()) {
            client.log().warn("warning: {}: TLS policy \"{}\" for {} requires smtp_dns_support_level = dnssec",
                    request.queueId(), policy.level() == ClientSettings.TlsLevel.DANE ? "dane" : "dane-only",
                    LogText.printable(destination));
        }
        String domain = nexthop.kind() == Nexthop.Kind.UNIX ? "" : nexthop.host();
        TlsSettings settings = TlsSettings.of(protocol, request.settings(), policy);
        return new DestinationTls(policy, policy != configured, support,
                new EndpointTlsPolicy(client.dns(), support, client.tls(), settings, domain),
                policy.level() + " " + settings, domain.toLowerCase(Locale.ROOT));
    }

    ClientSettings.TlsLevel level() {
        return policy.level();
    }

    DnsSupport dnsSupport() {
        return dnsSupport;
    }

    /** MTA-STS for the destination, when it applies (see the class comment). */
    void applyMtaSts(SmtpClient client, DeliveryRequest request, Nexthop nexthop) {
        if (client.sts() == null || !mtaStsApplies(policy.level(), fromTable, nexthop)) {
            return;
        }
        sts = client.sts().decide(nexthop.host(), request.settings());
        endpoints.mtaSts(sts);
    }

    /** Whether MTA-STS is asked about a destination (see the class comment). */
    static boolean mtaStsApplies(ClientSettings.TlsLevel level, boolean fromTable, Nexthop nexthop) {
        return !fromTable && nexthop.kind() == Nexthop.Kind.MX_DOMAIN && IpAddresses.parse(nexthop.host()) == null
                && (level == ClientSettings.TlsLevel.MAY || level == ClientSettings.TlsLevel.ENCRYPT
                    || level == ClientSettings.TlsLevel.DANE);
    }

    /**
     * The message's REQUIRETLS (when requiretls_enable), with smtp_requiretls_policy's action for
     * the next-hop name, and "TLS-Required: no".
     *
     * @throws Unusable the REQUIRETLS policy could not be evaluated (logged)
     */
    void applyMessage(SmtpClient client, OutgoingMessage message, DeliveryRequest request, Nexthop nexthop)
            throws Unusable {
        requireTls = null;
        if (message.requireTls() && request.settings().bool(REQUIRETLS_ENABLE, true)) {
            String name = nexthop.kind() == Nexthop.Kind.UNIX
                    ? request.settings().get("myhostname", "localhost") : nexthop.host();
            try {
                requireTls = RequireTlsPolicy.evaluate(
                        request.settings().string(ClientParameters.of(client.protocol()).requireTlsPolicy), name,
                        client::registry);
            } catch (ClientTables.Failure e) {
                client.log().warn("warning: {}: {}: {}", request.queueId(),
                        ClientParameters.of(client.protocol()).requireTlsPolicy.name(), e.getMessage());
                throw new Unusable("REQUIRETLS policy lookup failure");
            }
        }
        tlsRequiredNo = message.tlsRequiredNo();
        if (tlsRequiredNo) {
            endpoints.ignoreDaneAndMtaSts();
        }
    }

    /** The REQUIRETLS action for this message; empty when it did not ask for REQUIRETLS. */
    Optional<RequireTlsPolicy.Action> requireTls() {
        return Optional.ofNullable(requireTls);
    }

    /**
     * The endpoint's TLS; under opportunistic+starttls (and enforce) never without TLS: a level
     * that would go on in plaintext (none, may, dane without TLSA records) becomes mandatory.
     */
    EndpointTls forEndpoint(Endpoint endpoint) throws EndpointTlsPolicy.Refused {
        if (requireTls != null && requireTls.requiresTls() && policy.level() == ClientSettings.TlsLevel.NONE) {
            return endpoints.forEndpoint(ClientSettings.TlsLevel.ENCRYPT, endpoint);
        }
        EndpointTls tls = endpoints.forEndpoint(policy.level(), endpoint);
        return requireTls != null && requireTls.requiresTls() ? tls.mandatory(true) : tls;
    }

    /** Why MTA-STS enforce does not allow this MX host, if it does not (never under DANE or "TLS-Required: no"). */
    Optional<String> stsRefusal(Endpoint endpoint) {
        return sts == null || tlsRequiredNo || policy.level() == ClientSettings.TlsLevel.DANE ? Optional.empty()
                : sts.refusal(endpoint.hostname());
    }

    /** The deferral text when MTA-STS enforce refused this host's certificate. */
    Optional<String> stsRefusedCertificate(Endpoint endpoint) {
        return sts == null ? Optional.empty() : sts.refusedCertificate(endpoint.hostname(), endpoint.relay());
    }

    /**
     * The reporter of this message's attempts. A message with "TLS-Required: no" waived the
     * policy, so its sessions say nothing about it and are not reported; TLSRPT's own reports
     * carry that header, so no report counts the delivery of another (RFC 8460 section 5.3).
     */
    TlsAttemptReporter reporter(SmtpClient client) {
        return new TlsAttemptReporter(client, policyDomain, sts, !tlsRequiredNo);
    }

    /** A session set up under one of these must never carry mail that asks for another. */
    String cacheLabel() {
        return " tls=" + settingsLabel + (sts == null ? "" : sts.cacheLabel()) + (requireTls == null ? "" : " requiretls=" + requireTls.word())
                + (tlsRequiredNo ? " tls-required-no" : "");
    }
}
