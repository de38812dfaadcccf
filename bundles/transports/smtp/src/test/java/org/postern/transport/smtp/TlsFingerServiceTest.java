// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.ServiceSettings;

/** posttls-finger: the decisions a delivery would make, then the handshake, printed step by step. */
class TlsFingerServiceTest {

    private static final String MX = "mx.finger.test";

    private final ZoneDnsResolver dns = new ZoneDnsResolver().signed().mx("finger.test", 10, MX).a(MX, "127.0.0.1");
    private final TlsFingerService finger = new TlsFingerService(dns, null, null);
    private ScriptedSmtpServer server;

    @AfterEach
    void stop() throws IOException {
        finger.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private String run(String destination, Map<String, String> mainCf, int[] status) {
        StringWriter text = new StringWriter();
        ServiceSettings settings = mainCf::get;
        status[0] = finger.finger(destination, settings, new PrintWriter(text, true));
        return text.toString();
    }

    @Test
    void daneShouldBeShownFromPolicyToCertificate() throws Exception {
        SelfSignedTls.Issued issued = SelfSignedTls.issue(MX);
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = issued.context();
        server = ScriptedSmtpServer.tcp(script);
        String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(issued.certificate().getPublicKey().getEncoded())).toUpperCase(Locale.ROOT);
        dns.tlsa("_" + server.port() + "._tcp." + MX, "3 1 1 " + spki);
        int[] status = new int[1];

        String out = run("finger.test", Map.of("smtp_tls_security_level", "dane", "smtp_dns_support_level", "dnssec",
                "smtp_tcp_port", String.valueOf(server.port()), "inet_protocols", "ipv4"), status);

        assertThat(status[0]).as(out).isZero();
        assertThat(out).contains("posttls-finger: TLS policy: dane from smtp_tls_security_level",
                "posttls-finger: DNS: smtp_dns_support_level dnssec, DNSSEC status used",
                MX + "[127.0.0.1]:" + server.port() + ": found through DNSSEC-validated lookups",
                "TLS mandatory, verified, counted under tlsa [3 1 1 " + spki + "]",
                "posttls-finger: Verified TLS connection established to " + MX + "[127.0.0.1]:" + server.port(),
                "pkey_fingerprint=");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void aPolicyThatCannotBeMetShouldSaySoAndExitOne() throws Exception {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script());     // no STARTTLS
        int[] status = new int[1];

        String out = run("[" + MX + "]:" + server.port(), Map.of("smtp_tls_security_level", "encrypt"), status);

        assertThat(status[0]).isEqualTo(1);
        assertThat(out).contains("posttls-finger: TLS policy: encrypt from smtp_tls_security_level",
                "posttls-finger: MTA-STS: not applied (not an MX-routed destination)",
                "TLS is required, but was not offered by host " + MX + "[127.0.0.1]");
    }
}
