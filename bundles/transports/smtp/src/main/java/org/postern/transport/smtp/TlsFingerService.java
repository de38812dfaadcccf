// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;
import org.postern.api.support.LogText;
import org.postern.api.tls.TlsFinger;
import org.postern.transport.smtp.sts.MtaSts;
import org.postern.transport.smtp.sts.StsDecision;
import org.postern.transport.smtp.tls.CertificateNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   posttls-finger: the smtp client's TLS decisions for one destination, step by step,
 *           then a handshake with the first host that accepts one.
 * DESCRIPTION
 *   The same classes decide as in a delivery: {@link TlsPolicy} (smtp_tls_policy_maps, else
 *   smtp_tls_security_level), {@link DnsSupport}, MTA-STS ({@link MtaSts}, sharing the
 *   agent's policy cache), {@link DestinationResolver} (with each host's DNSSEC status) and
 *   {@link EndpointTlsPolicy} (DANE's TLSA records), so what is printed is what a delivery
 *   would do. No mail is sent: the session ends with QUIT after the handshake and EHLO.
 *   The settings are the caller's: posttls-finger gives main.cf with the smtp transport's
 *   master.cf -o overrides and its own options.
 * SECURITY  Connects to hosts from DNS, as the smtp client does; their text is printed through
 *   LogText.
 */
@Component(service = TlsFinger.class)
public final class TlsFingerService implements TlsFinger {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tls-finger");

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DnsResolver dns;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DictRegistry registry;

    private final TlsContexts contexts = new TlsContexts();
    private final Watchdog watchdog = new Watchdog("tls-finger");
    private final MtaSts mtaSts;

    public TlsFingerService() {
        this.mtaSts = new MtaSts(() -> dns, MtaSts.defaultDirectory(), LOG);
    }

    /** For tests: this resolver and table registry, MTA-STS as given (null: none). */
    TlsFingerService(DnsResolver dns, DictRegistry registry, MtaSts mtaSts) {
        this.dns = dns;
        this.registry = registry;
        this.mtaSts = mtaSts;
    }

    @Deactivate
    void deactivate() {
        watchdog.close();
    }

    @Override
    public int finger(String destination, ServiceSettings s, PrintWriter out) {
        Protocol protocol = Protocol.SMTP;
        Nexthop nexthop;
        try {
            nexthop = Nexthop.parse(destination, protocol);
        } catch (IllegalArgumentException e) {
            out.println("posttls-finger: bad destination: " + e.getMessage());
            return 1;
        }
        ClientParameters d = ClientParameters.of(protocol);
        TlsPolicy configured = ClientSettings.configuredTls(protocol, s);
        TlsPolicy policy;
        try {
            policy = TlsPolicy.forDestination(s.list(d.tlsPolicyMaps), destination, () -> registry, configured);
        } catch (ClientTables.Failure e) {
            out.println("posttls-finger: TLS policy lookup failed: " + e.getMessage() + " (mail would be deferred)");
            return 1;
        }
        boolean fromTable = policy != configured;
        out.println("posttls-finger: TLS policy: " + level(policy.level())
                + (fromTable ? " from smtp_tls_policy_maps" : " from smtp_tls_security_level")
                + (policy.attributes().equals(TlsPolicy.Attributes.NONE) ? "" : ", attributes " + policy.attributes()));
        if (!policy.supported()) {
            out.println("posttls-finger: " + policy.unsupported() + " (mail would be deferred)");
            return 1;
        }
        DnsSupport support = DnsSupport.of(protocol, s);
        out.println("posttls-finger: DNS: smtp_dns_support_level " + support.level().name().toLowerCase(java.util.Locale.ROOT)
                + (support.dnssec() ? ", DNSSEC status used" : ", DNSSEC status not used (DANE needs dnssec)"));
        ClientSettings settings = ClientSettings.of(protocol, s).withTlsLevel(policy.level());
        String domain = nexthop.kind() == Nexthop.Kind.UNIX ? "" : nexthop.host();
        EndpointTlsPolicy endpoints = new EndpointTlsPolicy(dns, support, contexts, TlsSettings.of(protocol, s, policy),
                domain);
        mtaSts(policy, fromTable, nexthop, s, endpoints, out);
        DestinationResolver.Resolution resolution = new DestinationResolver(dns, settings, support).resolve(nexthop);
        if (resolution instanceof DestinationResolver.Resolution.Failure f) {
            out.println("posttls-finger: " + f.diagnostic());
            return 1;
        }
        for (Endpoint endpoint : ((DestinationResolver.Resolution.Endpoints) resolution).endpoints()) {
            if (connect(endpoint, policy.level(), endpoints, settings, out)) {
                return 0;
            }
        }
        return 1;
    }

    private void mtaSts(TlsPolicy policy, boolean fromTable, Nexthop nexthop, ServiceSettings s,
                        EndpointTlsPolicy endpoints, PrintWriter out) {
        ClientSettings.TlsLevel level = policy.level();
        if (mtaSts == null || !DestinationTls.mtaStsApplies(level, fromTable, nexthop)) {
            out.println("posttls-finger: MTA-STS: not applied (" + (fromTable ? "a policy table entry wins"
                    : nexthop.kind() != Nexthop.Kind.MX_DOMAIN ? "not an MX-routed destination" : "level " + level(level))
                    + ")");
            return;
        }
        StsDecision sts = mtaSts.decide(nexthop.host(), s);
        endpoints.mtaSts(sts);
        if (sts.policy().isPresent()) {
            out.println("posttls-finger: MTA-STS: " + String.join("; ", sts.policy().get().policyStrings()));
        } else if (sts.discoveryFailure().isPresent()) {
            out.println("posttls-finger: MTA-STS: announced but unusable (" + sts.discoveryFailure().get().wireName()
                    + ": " + LogText.printable(sts.discoveryReason()) + "): delivery as without MTA-STS");
        } else {
            out.println("posttls-finger: MTA-STS: no policy for " + nexthop.host());
        }
    }

    /** One host: its TLS requirement, then a session up to the handshake; true when TLS was established. */
    private boolean connect(Endpoint endpoint, ClientSettings.TlsLevel level, EndpointTlsPolicy endpoints,
                            ClientSettings settings, PrintWriter out) {
        out.println("posttls-finger: " + endpoint.relay() + ": found through "
                + (endpoint.secure() ? "DNSSEC-validated" : "unvalidated") + " lookups");
        EndpointTls tls;
        try {
            tls = endpoints.forEndpoint(level, endpoint);
        } catch (EndpointTlsPolicy.Refused refused) {
            out.println("posttls-finger: " + endpoint.relay() + ": " + refused.getMessage() + " (would be deferred)");
            return false;
        }
        out.println("posttls-finger: " + endpoint.relay() + ": TLS " + tls.requirement().name().toLowerCase(java.util.Locale.ROOT)
                + ", " + tls.trust().toLowerCase(java.util.Locale.ROOT) + ", counted under "
                + tls.policy().type().wireName() + (tls.policy().strings().isEmpty() ? ""
                : " " + tls.policy().strings()));
        try {
            SmtpSession session = SmtpSession.open(endpoint, settings, settings.connectTimeout(), true, watchdog, tls,
                    TlsAttemptListener.NONE, "tls-finger", LOG);
            try {
                SSLSession ssl = session.connection().tlsSession();
                if (ssl == null) {
                    out.println("posttls-finger: " + endpoint.relay() + ": no TLS (the server did not offer STARTTLS)");
                    return false;
                }
                out.println("posttls-finger: " + TlsSessionLog.summary(tls.trust(), endpoint.relay(), ssl));
                certificates(ssl, out);
                return true;
            } finally {
                session.quit();
            }
        } catch (SessionFailure.Exception e) {
            out.println("posttls-finger: " + LogText.printable(e.failure().diagnostic()));
            return false;
        }
    }

    private static void certificates(SSLSession ssl, PrintWriter out) {
        Certificate[] chain;
        try {
            chain = ssl.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return;
        }
        for (int i = 0; i < chain.length; i++) {
            if (chain[i] instanceof X509Certificate c) {
                out.println("posttls-finger: certificate " + i + ": subject " + LogText.printable(c.getSubjectX500Principal()
                        .getName()) + ", issuer " + LogText.printable(c.getIssuerX500Principal().getName())
                        + ", not after " + c.getNotAfter().toInstant());
                if (i == 0) {
                    out.println("posttls-finger: names " + CertificateNames.names(c));
                }
                digest(c).ifPresent(fp -> out.println("posttls-finger: " + fp));
            }
        }
    }

    /** Postfix's cert_fingerprint and pkey_fingerprint, SHA-256. */
    private static Optional<String> digest(X509Certificate c) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            java.util.HexFormat hex = java.util.HexFormat.ofDelimiter(":").withUpperCase();
            String cert = hex.formatHex(sha256.digest(c.getEncoded()));
            String key = hex.formatHex(sha256.digest(c.getPublicKey().getEncoded()));
            return Optional.of("sha256 cert_fingerprint=" + cert + " pkey_fingerprint=" + key);
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static String level(ClientSettings.TlsLevel level) {
        return level.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
