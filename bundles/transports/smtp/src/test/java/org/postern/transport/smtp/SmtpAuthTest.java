// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.MapDictRegistry;

/** SMTP AUTH in the smtp client (Postfix SASL_README, client part) against a scripted server. */
class SmtpAuthTest {

    private static final String PLAIN_USER_PASS = b64("\0user\0pass");
    private static final String OK = "235 2.7.0 Authentication successful";

    private final MapDictRegistry tables = new MapDictRegistry().put("test:sasl", Map.of());
    private final ZoneDnsResolver dns = new ZoneDnsResolver().a("mail.isp.example", "127.0.0.1");
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(dns, tables);
    private ScriptedSmtpServer server;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private ScriptedSmtpServer.Script script(boolean tls, String auth, String... authReplies) throws Exception {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        if (tls) {
            script.tls = SelfSignedTls.serverContext("mail.isp.example");
        }
        if (auth != null) {
            script.extensions.add(auth);
        }
        script.authReplies.addAll(List.of(authReplies));
        return script;
    }

    /**
     * relayhost = [mail.isp.example]:port with SASL_README's client settings: plaintext
     * mechanisms only over TLS (smtp_sasl_tls_security_options = noanonymous).
     */
    private Requests relay(ScriptedSmtpServer.Script script) throws IOException {
        server = ScriptedSmtpServer.tcp(script);
        return Requests.to(destination()).set("smtp_sasl_auth_enable", "yes")
                .set("smtp_sasl_password_maps", "test:sasl").set("smtp_sasl_tls_security_options", "noanonymous");
    }

    private String destination() {
        return "[mail.isp.example]:" + server.port();
    }

    private RecipientResult deliver(Requests r) {
        return agent.deliver(r.build()).results().get(0);
    }

    @Test
    void plainShouldAuthenticateAfterStartTlsWithTheExactInitialResponse() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN LOGIN", OK));
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(server.verbs()).containsSubsequence("STARTTLS", "EHLO", "AUTH", "MAIL");
        assertThat(server.commands).contains("AUTH PLAIN " + PLAIN_USER_PASS);
    }

    @Test
    void loginShouldAnswerUsernameThenPasswordPrompts() throws Exception {
        Requests r = relay(script(true, "AUTH LOGIN", "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", OK));
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).containsSubsequence("AUTH LOGIN", b64("user"), b64("pass"));
        assertThat(server.verbs()).containsSubsequence("AUTH", "MAIL");
    }

    @Test
    void defaultNoplaintextShouldDeferWithoutSendingCredentialsOverAPlaintextConnection() throws Exception {
        Requests r = relay(script(false, "AUTH PLAIN LOGIN", OK));
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result = deliver(r);
        // Postfix with Cyrus: "no mechanism available", a 4.7.0 deferral; mail is not sent unauthenticated
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.7.0");
        assertThat(result.diagnostic()).isEqualTo(
                "SASL authentication failed; cannot authenticate to server mail.isp.example[127.0.0.1]: no mechanism available");
        assertThat(server.verbs()).doesNotContain("AUTH", "MAIL");
    }

    @Test
    void defaultTlsSecurityOptionsShouldRefusePlainEvenOverTlsAsPostfixDoes() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN LOGIN", OK));
        r.settings.remove("smtp_sasl_tls_security_options");      // default: $smtp_sasl_security_options
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result = deliver(r);
        assertThat(server.tlsUsed).isTrue();
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).endsWith("no mechanism available");
        assertThat(server.verbs()).doesNotContain("AUTH", "MAIL");
    }

    @Test
    void securityOptionsWithoutNoplaintextShouldAllowPlainOverPlaintext() throws Exception {
        Requests r = relay(script(false, "AUTH PLAIN", OK)).set("smtp_sasl_security_options", "noanonymous");
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).contains("AUTH PLAIN " + PLAIN_USER_PASS);
    }

    @Test
    void tlsSecurityOptionsShouldApplyOnlyOverTls() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sasl_security_options", "noanonymous")
                .set("smtp_sasl_tls_security_options", "noplaintext");
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.diagnostic()).endsWith("no mechanism available");
    }

    @Test
    void serverWithoutAuthShouldGetTheMailUnauthenticated() throws Exception {
        Requests r = relay(script(true, null));
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("AUTH").contains("MAIL");
    }

    @Test
    void serverWithoutPasswordEntryShouldBeTalkedToLikeAStranger() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK));
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("AUTH").contains("MAIL");
    }

    @Test
    void rejectedCredentialsShouldDeferWithSoftBounce() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", "535 5.7.8 Error: authentication failed: bad"));
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.7.8");
        assertThat(result.diagnostic()).isEqualTo("SASL authentication failed; server mail.isp.example[127.0.0.1] said: "
                + "535 5.7.8 Error: authentication failed: bad");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void rejectedCredentialsShouldBounceWithoutSoftBounce() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", "535 5.7.8 Error: authentication failed: bad"))
                .set("smtp_sasl_auth_soft_bounce", "no");
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(result.dsnStatus()).isEqualTo("5.7.8");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void mechanismFilterShouldChooseAmongTheServersMechanisms() throws Exception {
        Requests r = relay(script(true, "AUTH CRAM-MD5 PLAIN LOGIN", "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", OK))
                .set("smtp_sasl_mechanism_filter", "!plain, login");
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).contains("AUTH LOGIN").noneMatch(c -> c.startsWith("AUTH PLAIN"));
    }

    @Test
    void mechanismFilterLeavingNothingShouldWarnAndDefer() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN LOGIN", OK)).set("smtp_sasl_mechanism_filter", "digest-md5");
        tables.put("test:sasl", destination(), "user:pass");
        RecipientResult result;
        String log;
        try (StderrCapture capture = new StderrCapture()) {
            result = deliver(r);
            log = capture.text();
        }
        assertThat(log).contains("warning: mail.isp.example[127.0.0.1]:" + server.port()
                + " offered no supported AUTH mechanisms: 'PLAIN LOGIN'");
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.7.0");
        assertThat(result.diagnostic()).isEqualTo("SASL authentication failed: server mail.isp.example[127.0.0.1]"
                + " offered no compatible authentication mechanisms for this type of connection security");
    }

    @Test
    void remoteHostNameShouldBeLookedUpBeforeTheNexthopAsPostfixDoes() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK));
        tables.put("test:sasl", destination(), "destuser:destpass").put("test:sasl", "mail.isp.example", "hostuser:hostpass");
        deliver(r);
        assertThat(server.commands).contains("AUTH PLAIN " + b64("\0hostuser\0hostpass"));
    }

    @Test
    void bracketedNexthopWithPortShouldBeTheKeyAsGiven() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK));
        tables.put("test:sasl", "[mail.isp.example]", "wrong:port").put("test:sasl", destination(), "destuser:destpass");
        deliver(r);
        assertThat(server.commands).contains("AUTH PLAIN " + b64("\0destuser\0destpass"));
    }

    @Test
    void senderDependentAuthenticationShouldLookUpTheSenderFirst() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sender_dependent_authentication", "yes");
        tables.put("test:sasl", "mail.isp.example", "hostuser:hostpass").put("test:sasl", "a@example.org", "senderuser:senderpass");
        deliver(r);
        assertThat(server.commands).contains("AUTH PLAIN " + b64("\0senderuser\0senderpass"));
    }

    @Test
    void senderDependentAuthenticationShouldFallBackToTheSendersDomainThenTheHost() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sender_dependent_authentication", "yes");
        tables.put("test:sasl", "mail.isp.example", "hostuser:hostpass").put("test:sasl", "@example.org", "domainuser:domainpass");
        deliver(r);
        r.sender = "";
        deliver(r);
        assertThat(server.commands).filteredOn(c -> c.startsWith("AUTH"))
                .containsExactly("AUTH PLAIN " + b64("\0domainuser\0domainpass"), "AUTH PLAIN " + b64("\0hostuser\0hostpass"));
    }

    @Test
    void senderLookupShouldBeIgnoredWithoutSenderDependentAuthentication() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK));
        tables.put("test:sasl", "mail.isp.example", "hostuser:hostpass").put("test:sasl", "a@example.org", "senderuser:senderpass");
        deliver(r);
        assertThat(server.commands).contains("AUTH PLAIN " + b64("\0hostuser\0hostpass"));
    }

    @Test
    void cachedConnectionShouldOnlyCarryMailForTheAccountItLoggedInAs() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sender_dependent_authentication", "yes")
                .set("smtp_connection_cache_time_limit", "30s");
        tables.put("test:sasl", "ann@example.org", "ann:annpass").put("test:sasl", "bob@example.org", "bob:bobpass");
        r.sender = "ann@example.org";
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        r.sender = "bob@example.org";
        RecipientResult bob = deliver(r);
        assertThat(bob.outcome()).as(bob.diagnostic()).isEqualTo(Outcome.HANDED_OFF);
        r.sender = "ann@example.org";
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.connections.get()).as("bob gets his own session; ann's is reused").isEqualTo(2);
        assertThat(server.commands).filteredOn(c -> c.startsWith("AUTH"))
                .containsExactly("AUTH PLAIN " + b64("\0ann\0annpass"), "AUTH PLAIN " + b64("\0bob\0bobpass"));
        assertThat(server.commands).filteredOn(c -> c.startsWith("MAIL"))
                .extracting(c -> c.split(" ")[1])
                .containsExactly("FROM:<ann@example.org>", "FROM:<bob@example.org>", "FROM:<ann@example.org>");
    }

    @Test
    void failingPasswordTableShouldDefer() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sasl_password_maps", "down:sasl");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(server.verbs()).doesNotContain("AUTH", "MAIL");
    }

    @Test
    void failingPasswordTableForSenderDependentLookupShouldDeferBeforeConnecting() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sasl_password_maps", "down:sasl")
                .set("smtp_sender_dependent_authentication", "yes");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void enabledWithoutPasswordMapsShouldDefer() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sasl_password_maps", "");
        RecipientResult result = deliver(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.5");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void disabledShouldNeverAuthenticate() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", OK)).set("smtp_sasl_auth_enable", "no");
        tables.put("test:sasl", destination(), "user:pass");
        assertThat(deliver(r).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("AUTH");
    }

    @Test
    void credentialsShouldNeverReachTheLog() throws Exception {
        Requests r = relay(script(true, "AUTH PLAIN", "535 5.7.8 Error: authentication failed"));
        tables.put("test:sasl", destination(), "secretuser:s3cr3t-pw");
        String log;
        try (StderrCapture capture = new StderrCapture()) {
            deliver(r);
            log = capture.text();
        }
        assertThat(log).contains("warning: SASL authentication failed; server mail.isp.example[127.0.0.1] said: 535 5.7.8")
                .doesNotContain("s3cr3t-pw").doesNotContain(b64("\0secretuser\0s3cr3t-pw")).doesNotContain("secretuser");
    }

    /** What slf4j-simple writes (to System.err, looked up on each write) while open. */
    private static final class StderrCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        StderrCapture() {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
