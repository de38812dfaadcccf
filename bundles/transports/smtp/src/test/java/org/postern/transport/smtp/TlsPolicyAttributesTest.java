// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.MapDictRegistry;

/**
 * The levels fingerprint and secure, and the policy attributes (match, protocols, exclude,
 * servername, tafile, wrappermode) with their main.cf parameters, against a scripted peer.
 */
class TlsPolicyAttributesTest {

    @TempDir
    Path dir;

    private final MapDictRegistry policies = new MapDictRegistry();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(new ZoneDnsResolver().a("mx.test", "127.0.0.1"),
            policies);
    private ScriptedSmtpServer server;
    private SelfSignedTls.Issued issued;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private void serve(boolean wrapper) throws Exception {
        issued = SelfSignedTls.issue("mx.test");
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = issued.context();
        script.wrapper = wrapper;
        server = ScriptedSmtpServer.tcp(script);
    }

    /** Delivers to "[mx.test]:port" with this policy table entry and main.cf settings. */
    private RecipientResult deliver(String policy, String... settings) {
        String nexthop = "[mx.test]:" + server.port();
        Requests r = Requests.to(nexthop);
        if (policy != null) {
            policies.put("test:policy", nexthop, policy);
            r.set("smtp_tls_policy_maps", "test:policy");
        }
        for (int i = 0; i < settings.length; i += 2) {
            r.set(settings[i], settings[i + 1]);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    private String caFile() throws Exception {
        return Files.writeString(dir.resolve("ca.pem"), issued.pem()).toString();
    }

    private String fingerprint(byte[] der) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    @Test
    void secureShouldMatchTheNamesOfTheMatchAttribute() throws Exception {
        serve(false);
        String ca = caFile();

        assertThat(deliver("secure match=mx.test", "smtp_tls_CAfile", ca).outcome()).isEqualTo(Outcome.HANDED_OFF);
        RecipientResult other = deliver("secure match=other.test:.example.com", "smtp_tls_CAfile", ca);
        assertThat(other.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(other.diagnostic()).isEqualTo("Server certificate not verified");
        assertThat(server.messages).hasSize(1);
    }

    @Test
    void secureShouldByDefaultMatchTheNexthopNotAnAttackerChosenMxName() throws Exception {
        serve(false);
        String ca = caFile();

        // the nexthop is mx.test itself: smtp_tls_secure_cert_match = nexthop, dot-nexthop matches it
        assertThat(deliver("secure", "smtp_tls_CAfile", ca).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("secure", "smtp_tls_CAfile", ca, "smtp_tls_secure_cert_match", "dot-nexthop").outcome())
                .as("dot-nexthop is only names below mx.test").isEqualTo(Outcome.DEFERRED);
    }

    @Test
    void fingerprintShouldMatchTheCertificateOrItsPublicKeyOnly() throws Exception {
        serve(false);

        assertThat(deliver("fingerprint match=" + fingerprint(issued.certificate().getEncoded()),
                "smtp_tls_fingerprint_digest", "sha256").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("fingerprint match=00:11|" + fingerprint(issued.certificate().getPublicKey().getEncoded()),
                "smtp_tls_fingerprint_digest", "sha256").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("fingerprint", "smtp_tls_fingerprint_cert_match", "00:11:22",
                "smtp_tls_fingerprint_digest", "sha256").outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(server.messages).hasSize(2);
    }

    @Test
    void theFingerprintDigestShouldFollowCompatibilityLevelAsPostfixDoes() {
        assertThat(TlsSettings.compatibilityBelow36("0")).isTrue();
        assertThat(TlsSettings.compatibilityBelow36("3.5")).isTrue();
        assertThat(TlsSettings.compatibilityBelow36("3.6")).isFalse();
        assertThat(TlsSettings.compatibilityBelow36("3.10")).isFalse();
    }

    @Test
    void protocolsAndServernameShouldReachTheHandshake() throws Exception {
        serve(false);

        assertThat(deliver("may").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("encrypt protocols=<=TLSv1.2 servername=nexthop").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("encrypt", "smtp_tls_mandatory_protocols", ">=TLSv1.3", "smtp_tls_servername", "relay.example")
                .outcome()).isEqualTo(Outcome.HANDED_OFF);

        assertThat(server.tlsProtocols).containsExactly("TLSv1.3", "TLSv1.2", "TLSv1.3");
        assertThat(server.serverNames).as("Postfix sends no SNI unless told to").containsExactly("", "mx.test", "relay.example");
    }

    @Test
    void excludingEveryCipherShouldDeferNotSendInPlaintext() throws Exception {
        serve(false);

        RecipientResult result = deliver("encrypt exclude=AES128:AES256:CHACHA20");

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).startsWith("TLS settings: grade \"medium\" less \"AES128:AES256:CHACHA20\" leaves no cipher");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void tafileShouldBeTheOnlyTrustAnchors() throws Exception {
        serve(false);
        Path unrelated = Files.writeString(dir.resolve("unrelated.pem"), SelfSignedTls.issue("ca.example").pem());

        assertThat(deliver("verify tafile=" + caFile(), "smtp_tls_CAfile", unrelated.toString()).outcome())
                .isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver("verify", "smtp_tls_trust_anchor_file", unrelated.toString(), "smtp_tls_CAfile", caFile())
                .outcome()).isEqualTo(Outcome.DEFERRED);
    }

    @Test
    void wrapperModeShouldStartTlsBeforeTheGreetingPerDestination() throws Exception {
        serve(true);

        assertThat(deliver("encrypt wrappermode=yes").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("STARTTLS").contains("MAIL");
        assertThat(deliver(null, "smtp_tls_wrappermode", "yes", "smtp_tls_security_level", "encrypt").outcome())
                .isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.messages).hasSize(2);
    }

    @Test
    void aBadAttributeValueShouldDeferOnlyThatDestination() throws Exception {
        serve(false);

        RecipientResult result = deliver("encrypt wrappermode=perhaps");

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).isEqualTo("TLS policy attribute wrappermode: bad value perhaps");
    }
}
