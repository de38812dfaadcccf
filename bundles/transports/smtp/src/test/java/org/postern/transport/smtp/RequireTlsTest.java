// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.MapDictRegistry;

/**
 * REQUIRETLS (RFC 8689) in the smtp client. Under smtp_requiretls_policy's enforce: only
 * authenticated TLS to a server that offers REQUIRETLS, else the message is returned (5.7.10);
 * opportunistic+starttls: TLS is required, REQUIRETLS sent where offered; opportunistic:
 * REQUIRETLS sent where a TLS session offers it; disable: never sent. "TLS-Required: no"
 * turns DANE off.
 */
class RequireTlsTest {

    private static final String MX = "mx.test";

    @TempDir
    Path dir;

    private final ZoneDnsResolver dns = new ZoneDnsResolver().signed().a(MX, "127.0.0.1");
    private final MapDictRegistry tables = new MapDictRegistry();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(dns, tables);
    private ScriptedSmtpServer server;
    private SelfSignedTls.Issued issued;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private void serve(boolean offersRequireTls) throws Exception {
        serve(offersRequireTls, true);
    }

    private void serve(boolean offersRequireTls, boolean offersStartTls) throws Exception {
        issued = SelfSignedTls.issue(MX);
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = offersStartTls ? issued.context() : null;
        if (offersRequireTls) {
            script.extensions.add("REQUIRETLS");
        }
        server = ScriptedSmtpServer.tcp(script);
    }

    private Requests request() {
        return Requests.to("[" + MX + "]:" + server.port()).set("inet_protocols", "ipv4")
                .set("smtp_requiretls_policy", "enforce");
    }

    private String caFile() throws Exception {
        return Files.writeString(dir.resolve("ca.pem"), issued.pem()).toString();
    }

    private RecipientResult deliver(Requests r) {
        return agent.deliver(r.build()).results().get(0);
    }

    @Test
    void verifiedTlsToAServerThatOffersRequireTlsShouldCarryIt() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "verify")
                .set("smtp_tls_CAfile", caFile()));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).anyMatch(c -> c.startsWith("MAIL FROM:") && c.endsWith(" REQUIRETLS"));
    }

    @Test
    void unauthenticatedTlsShouldReturnTheMessageWithoutConnecting() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may"));

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.7.10");
        assertThat(result.diagnostic()).startsWith("REQUIRETLS: the TLS policy for " + MX);
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void aServerWithoutRequireTlsShouldNotGetTheMessage() throws Exception {
        serve(false);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "verify")
                .set("smtp_tls_CAfile", caFile()));

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.diagnostic()).isEqualTo("REQUIRETLS is required, but was not offered by host " + MX
                + "[127.0.0.1]");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void requireTlsEnableNoShouldDeliverAsWithoutIt() throws Exception {
        serve(false);

        RecipientResult result = deliver(request().requireTls().set("requiretls_enable", "no"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).noneMatch(c -> c.contains("REQUIRETLS"));
    }

    @Test
    void tlsRequiredNoShouldTurnDaneOffButNotRequireTls() throws Exception {
        serve(false);
        dns.tlsa("_" + server.port() + "._tcp." + MX, "3 1 1 " + "00".repeat(32));   // would not match
        String optional = "TLS-Required: No\n";

        assertThat(deliver(request().set("smtp_tls_security_level", "dane").set("smtp_dns_support_level", "dnssec"))
                .outcome()).as("DANE applies without the header").isEqualTo(Outcome.DEFERRED);
        assertThat(deliver(request().set("smtp_tls_security_level", "dane").set("smtp_dns_support_level", "dnssec")
                .content(optional + "Subject: t\n\nbody\n")).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliver(request().requireTls().set("smtp_tls_security_level", "dane")
                .set("smtp_dns_support_level", "dnssec").content(optional + "Subject: t\n\nbody\n")).diagnostic())
                .as("REQUIRETLS wins over the header: DANE still applies").isEqualTo("Server certificate not verified");
    }

    private boolean mailFromCarriesRequireTls() {
        return server.commands.stream().anyMatch(c -> c.startsWith("MAIL FROM:") && c.endsWith(" REQUIRETLS"));
    }

    @Test
    void enforceShouldBeTheActionWhenNoPolicyItemMatches() throws Exception {
        serve(true);
        tables.put("test:reqtls", "other.example", "opportunistic");

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "test:reqtls"));

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.7.10");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void opportunisticStarttlsShouldSendUnverifiedTlsWithRequireTlsWhereOffered() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "opportunistic+starttls"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(mailFromCarriesRequireTls()).isTrue();
    }

    @Test
    void opportunisticStarttlsShouldDeliverWithoutRequireTlsToAServerThatDoesNotOfferIt() throws Exception {
        serve(false);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "opportunistic+starttls"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(server.commands).noneMatch(c -> c.contains("REQUIRETLS"));
    }

    @Test
    void opportunisticStarttlsShouldReturnTheMessageWhenNoHostOffersStarttls() throws Exception {
        serve(true, false);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "opportunistic+starttls"));

        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.7.10");
        assertThat(result.diagnostic()).isEqualTo("REQUIRETLS: TLS is required, but was not offered by host " + MX
                + "[127.0.0.1]");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void opportunisticStarttlsShouldUseTlsEvenAtLevelNone() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "none")
                .set("smtp_requiretls_policy", "opportunistic+starttls"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(mailFromCarriesRequireTls()).isTrue();
    }

    @Test
    void opportunisticShouldDeliverInPlaintextToAServerWithoutStarttls() throws Exception {
        serve(true, false);                                   // REQUIRETLS announced without TLS: not used

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "opportunistic"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isFalse();
        assertThat(server.commands).noneMatch(c -> c.contains("REQUIRETLS"));
    }

    @Test
    void opportunisticShouldSendRequireTlsOverTlsWhereOffered() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "opportunistic"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(mailFromCarriesRequireTls()).isTrue();
    }

    @Test
    void disableShouldNeverSendRequireTls() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "disable"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(server.commands).noneMatch(c -> c.contains("REQUIRETLS"));
    }

    @Test
    void aPerDestinationTableShouldMatchTheNexthopAndItsParentDomains() throws Exception {
        serve(false);
        tables.put("test:reqtls", ".test", "opportunistic");

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "test:reqtls, enforce"));

        assertThat(result.outcome()).as("mx.test matched by .test").isEqualTo(Outcome.HANDED_OFF);
        tables.put("test:reqtls", MX, "enforce");             // the name itself before its parents
        assertThat(deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "test:reqtls, opportunistic")).dsnStatus()).isEqualTo("5.7.10");
    }

    @Test
    void aTableThatDoesNotAnswerShouldDeferWithoutConnecting() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().requireTls().set("smtp_tls_security_level", "may")
                .set("smtp_requiretls_policy", "down:reqtls, opportunistic"));

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(result.diagnostic()).isEqualTo("REQUIRETLS policy lookup failure");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void anUnknownActionOrATableAnswerThatIsNoActionShouldDefer() throws Exception {
        serve(true);
        tables.put("test:reqtls", MX, "hash:/etc/postfix/other");

        assertThat(deliver(request().requireTls().set("smtp_requiretls_policy", "best-effort")).outcome())
                .isEqualTo(Outcome.DEFERRED);
        assertThat(deliver(request().requireTls().set("smtp_requiretls_policy", "test:reqtls, opportunistic"))
                .outcome()).as("a nested table").isEqualTo(Outcome.DEFERRED);
        tables.put("test:reqtls", MX, "opportunistic enforce");
        assertThat(deliver(request().requireTls().set("smtp_requiretls_policy", "test:reqtls, opportunistic"))
                .outcome()).as("a composite answer").isEqualTo(Outcome.DEFERRED);
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void aMessageWithoutRequireTlsShouldNotConsultThePolicy() throws Exception {
        serve(true);

        RecipientResult result = deliver(request().set("smtp_requiretls_policy", "down:reqtls"));

        assertThat(result.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).noneMatch(c -> c.contains("REQUIRETLS"));
    }
}
