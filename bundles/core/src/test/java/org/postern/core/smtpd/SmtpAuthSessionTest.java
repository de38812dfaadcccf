// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.message.SaslFacts;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.CapturedLog;

/** SMTP AUTH (RFC 4954) in the session, against a scripted authentication server; replies as Postfix 3.7's. */
class SmtpAuthSessionTest {

    private static final String ENABLED = "smtpd_sasl_auth_enable = yes";
    private static final String JOE = ScriptedSaslServer.b64("\0joe\0secret");
    private static final String JOE_WRONG = ScriptedSaslServer.b64("\0joe\0guess");

    private final ScriptedSaslServer server = ScriptedSaslServer.withUsers(Map.of("joe", "secret"));

    private SessionHarness session(String... mainCf) {
        return session(() -> server, mainCf);
    }

    private static SessionHarness session(Supplier<org.postern.core.smtpd.sasl.SaslAuthServer> sasl,
                                          String... mainCf) {
        return new SessionHarness(TestConfigs.config(mainCf), new ScriptedChecks(),
                new InetSocketAddress("192.0.2.1", 40000), null, Runnable::run, Duration.ofSeconds(10), sasl);
    }

    private static String line(String reply) {
        return reply + "\r\n";
    }

    @Test
    void ehloShouldAnnounceAuthAfterVrfyInPostfixOrder() {
        assertThat(session(ENABLED).cmd("EHLO client.example")).isEqualTo(String.join("\r\n",
                "250-mx.example.test", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN", "250-AUTH PLAIN LOGIN",
                "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING") + "\r\n");
    }

    @Test
    void brokenSaslAuthClientsShouldAlsoGetTheOldAuthEqualsLine() {
        assertThat(session(ENABLED, "broken_sasl_auth_clients = yes").cmd("EHLO c"))
                .contains("250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n");
    }

    // Columns: main.cf line | authentication server state; AUTH must not be announced.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtpd_sasl_auth_enable = no                 | up",
        "smtpd_tls_auth_only = yes                   | up",
        "smtpd_tls_security_level = encrypt          | up",
        "smtpd_discard_ehlo_keywords = auth          | up",
        "smtpd_sasl_security_options = noplaintext   | nothing offered",
        "smtpd_sasl_type = dovecot                   | down",
    })
    void ehloShouldNotAnnounceAuthWhenItCannotBeUsed(String mainCf, String state) {
        ScriptedSaslServer s = state.equals("up") ? server
                : state.equals("down") ? ScriptedSaslServer.down() : ScriptedSaslServer.offeringNothing();
        String reply = session(() -> s, ENABLED, mainCf).cmd("EHLO c");
        assertThat(reply).startsWith("250-mx.example.test").doesNotContain("AUTH");
    }

    // RFC 4954 section 4 and Postfix smtpd_sasl_proto.c, in Postfix's order of checks.
    // Columns: main.cf line | commands before (';'-separated) | command | expected reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "smtpd_sasl_auth_enable = no  | EHLO c                  | AUTH PLAIN     | 503 5.5.1 Error: authentication not enabled",
        "smtpd_helo_required = yes    |                         | AUTH PLAIN     | 503 5.5.1 Error: send HELO/EHLO first",
        "smtpd_sasl_type = dovecot    |                         | AUTH PLAIN     | 503 5.5.1 Error: authentication not enabled",
        "smtpd_sasl_type = dovecot    | HELO c                  | AUTH PLAIN     | 503 5.5.1 Error: authentication not enabled",
        "smtpd_discard_ehlo_keywords = auth | EHLO c            | AUTH PLAIN     | 503 5.5.1 Error: authentication not enabled",
        "smtpd_sasl_type = dovecot    | EHLO c;MAIL FROM:<a@b.c> | AUTH PLAIN    | 503 5.5.1 Error: MAIL transaction in progress",
        "smtpd_tls_auth_only = yes    | EHLO c                  | AUTH PLAIN     | 504 5.5.4 Encryption required for requested authentication mechanism",
        "smtpd_tls_security_level = encrypt | EHLO c            | AUTH PLAIN     | 530 5.7.0 Must issue a STARTTLS command first",
        "smtpd_sasl_type = dovecot    | EHLO c                  | AUTH           | 501 5.5.4 Syntax: AUTH mechanism",
        "smtpd_sasl_type = dovecot    | EHLO c                  | AUTH PLAIN a b | 501 5.5.4 Syntax: AUTH mechanism",
        "smtpd_sasl_type = dovecot    | EHLO c                  | AUTH CRAM-MD5  | 535 5.7.8 Error: authentication failed: Invalid authentication mechanism",
        "smtpd_sasl_type = dovecot    | EHLO c                  | AUTH PLAIN %%% | 535 5.7.8 Error: authentication failed: Invalid base64 data in initial response",
    })
    void authShouldBeRefusedAsPostfixRefusesIt(String mainCf, String before, String command, String reply) {
        SessionHarness s = session(ENABLED, mainCf);
        if (before != null) {
            for (String c : before.split(";")) {
                s.cmd(c);
            }
        }
        assertThat(s.cmd(command)).isEqualTo(line(reply));
        assertThat(s.open()).isTrue();
    }

    @Test
    void plainWithInitialResponseShouldAuthenticateAndReachTheRestrictionsAndTheEnvelope() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        assertThat(s.cmd("AUTH PLAIN " + JOE)).isEqualTo(line("235 2.7.0 Authentication successful"));
        assertThat(server.requests).containsExactly(
                "start PLAIN " + JOE + " ClientInfo[localAddress=null, remoteAddress=192.0.2.1, tls=false]",
                "next " + JOE);
        String log = CapturedLog.during(() -> {
            s.cmd("MAIL FROM:<joe@example.org> AUTH=joe@example.org");
            s.cmd("RCPT TO:<x@elsewhere.example>");
            s.cmd("DATA");
            assertThat(s.send("Subject: t\r\n\r\nbody\r\n.\r\n")).startsWith("250 2.0.0 Ok: queued as ");
        });
        assertThat(s.checks.calls).filteredOn(c -> c.stage() == SmtpStage.RCPT)
                .allSatisfy(c -> assertThat(c.facts().saslUsername()).isEqualTo("joe"));
        assertThat(s.queue.committed.get(0).envelope().sasl()).isEqualTo(new SaslFacts("PLAIN", "joe", "joe@example.org"));
        assertThat(s.queue.committed.get(0).envelope().saslHeader()).isFalse();
        assertThat(log).contains("4Xtest0001: client=unknown[192.0.2.1], sasl_method=PLAIN, sasl_username=joe,"
                + " sasl_sender=joe@example.org");
        assertThat(CapturedLog.during(() -> s.cmd("QUIT"))).contains("disconnect from unknown[192.0.2.1] ehlo=1 auth=1 mail=1");
    }

    @Test
    void plainWithoutInitialResponseShouldGetAnEmptyChallenge() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        assertThat(s.cmd("AUTH PLAIN")).isEqualTo(line("334 "));
        assertThat(s.cmd(JOE)).isEqualTo(line("235 2.7.0 Authentication successful"));
    }

    @Test
    void emptyInitialResponseShouldBeSentAsEmpty() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        s.cmd("AUTH PLAIN =");
        assertThat(server.requests.get(0)).startsWith("start PLAIN  ClientInfo");
    }

    @Test
    void loginShouldAskForUserAndPassword() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        assertThat(s.cmd("AUTH LOGIN")).isEqualTo(line("334 VXNlcm5hbWU6"));
        assertThat(s.cmd(ScriptedSaslServer.b64("joe"))).isEqualTo(line("334 UGFzc3dvcmQ6"));
        assertThat(s.cmd(ScriptedSaslServer.b64("secret"))).isEqualTo(line("235 2.7.0 Authentication successful"));
    }

    @Test
    void pipelinedResponseShouldBeReadAsSaslDataNotAsACommand() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        assertThat(s.send("AUTH PLAIN\r\n" + JOE + "\r\nMAIL FROM:<joe@example.org>\r\n"))
                .isEqualTo("334 \r\n235 2.7.0 Authentication successful\r\n250 2.1.0 Ok\r\n");
    }

    @Test
    void wrongPasswordShouldFailWithPostfixReplyAndWarning() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> reply[0] = s.cmd("AUTH PLAIN " + JOE_WRONG));
        assertThat(reply[0]).isEqualTo(line("535 5.7.8 Error: authentication failed: (reason unavailable)"));
        assertThat(log).contains("warning: unknown[192.0.2.1]: SASL PLAIN authentication failed: "
                + "(reason unavailable), sasl_username=joe");
        assertThat(s.cmd("MAIL FROM:<a@b.c>")).isEqualTo(line("250 2.1.0 Ok"));
        s.cmd("RCPT TO:<x@y.example>");
        assertThat(s.checks.calls).allSatisfy(c -> assertThat(c.facts().saslUsername()).isNull());
    }

    @Test
    void badBase64InContinuedResponseShouldFail() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        s.cmd("AUTH LOGIN");
        assertThat(s.cmd("not base64!")).isEqualTo(
                line("535 5.7.8 Error: authentication failed: Invalid base64 data in continued response"));
    }

    @Test
    void starShouldAbortTheExchange() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        s.cmd("AUTH LOGIN");
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> reply[0] = s.cmd("*"));
        assertThat(reply[0]).isEqualTo(line("501 5.7.0 Authentication aborted"));
        assertThat(log).contains("warning: unknown[192.0.2.1]: SASL LOGIN authentication aborted");
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok"));
    }

    @Test
    void secondAuthAfterSuccessShouldBeRefused() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        s.cmd("AUTH PLAIN " + JOE);
        assertThat(s.cmd("AUTH PLAIN " + JOE)).isEqualTo(line("503 5.5.1 Error: already authenticated"));
    }

    @Test
    void authenticationServerDownShouldBeATemporaryFailure() {
        SessionHarness s = session(ScriptedSaslServer::down, ENABLED);
        assertThat(s.cmd("EHLO c")).doesNotContain("AUTH");
        assertThat(s.cmd("AUTH PLAIN " + JOE)).isEqualTo(
                line("454 4.7.0 Temporary authentication failure: Can't connect to authentication server"));
        assertThat(s.open()).isTrue();
    }

    @Test
    void overlongResponseShouldExceedTheSaslResponseLimit() {
        SessionHarness s = session(ENABLED, "smtpd_sasl_response_limit = 16");
        s.cmd("EHLO c");
        s.cmd("AUTH PLAIN");
        assertThat(s.cmd("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB")).isEqualTo(line("500 5.5.6 SASL response limit exceeded"));
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok"));
    }

    @Test
    void failuresShouldCountTowardTheHardErrorLimit() {
        SessionHarness s = session(ENABLED, "smtpd_hard_error_limit = 2", "smtpd_soft_error_limit = 10");
        s.cmd("EHLO c");
        assertThat(s.cmd("AUTH PLAIN " + JOE_WRONG)).startsWith("535 ");
        assertThat(s.cmd("AUTH PLAIN " + JOE_WRONG)).isEqualTo(
                line("535 5.7.8 Error: authentication failed: (reason unavailable)")
                        + line("421 4.7.0 mx.example.test Error: too many errors"));
        assertThat(s.open()).isFalse();
    }

    @Test
    void authenticatedHeaderShouldBeAskedOfCleanupWhenEnabled() {
        SessionHarness s = session(ENABLED, "smtpd_sasl_authenticated_header = yes");
        s.cmd("EHLO c");
        s.cmd("AUTH PLAIN " + JOE);
        s.cmd("MAIL FROM:<joe@example.org>");
        s.cmd("RCPT TO:<x@y.example>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        assertThat(s.queue.committed.get(0).envelope().saslHeader()).isTrue();
    }

    // RFC 4954 section 5; Postfix smtpd_sasl_mail_opt (AUTH= is ignored while AUTH is off, checked against Postfix 3.7).
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "yes | MAIL FROM:<a@b.c> AUTH=<>                | 250 2.1.0 Ok",
        "yes | MAIL FROM:<a@b.c> AUTH=someone+40else    | 250 2.1.0 Ok",
        "no  | MAIL FROM:<a@b.c> AUTH=<>                | 250 2.1.0 Ok",
        "yes | MAIL FROM:<a@b.c> AUTH=<> AUTH=<>        | 503 5.5.4 Error: multiple AUTH= options",
    })
    void mailAuthParameterShouldBeCheckedWhenAuthIsEnabledAndIgnoredOtherwise(String enabled, String command, String reply) {
        SessionHarness s = session("smtpd_sasl_auth_enable = " + enabled);
        s.cmd("EHLO c");
        assertThat(s.cmd(command)).isEqualTo(line(reply));
    }

    @Test
    void disconnectShouldCloseTheAuthenticationServerConnection() {
        SessionHarness s = session(ENABLED);
        s.cmd("EHLO c");
        s.cmd("QUIT");
        s.channel.close();
        s.settle();
        assertThat(server.closed).isTrue();
    }
}
