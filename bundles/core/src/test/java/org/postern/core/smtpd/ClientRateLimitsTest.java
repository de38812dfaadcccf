// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.postern.core.anvil.Anvil;
import org.postern.core.smtpd.sasl.SaslAuthServer;
import org.postern.core.smtpd.restrict.CapturedLog;
import org.postern.testing.MovableClock;

/**
 * smtpd_client_{message,recipient,auth}_rate_limit per client in the anvil, with Postfix 3.9's
 * replies and warnings; the client is outside mynetworks unless a test says otherwise.
 */
class ClientRateLimitsTest {

    private static final String OUTSIDER = "192.0.2.10";

    /** A clock the tests move on. */

    private final MovableClock clock = new MovableClock(Instant.parse("2024-06-01T12:00:00Z"));
    /** Shared by the sessions of a test: counts span connections, as anvil's do. */
    private final Anvil anvil = new Anvil(clock);

    private SessionHarness session(String address, String... mainCf) {
        return session(address, null, mainCf);
    }

    private SessionHarness session(String address, Supplier<SaslAuthServer> sasl, String... mainCf) {
        SessionHarness s = new SessionHarness(TestConfigs.config(mainCf), new ScriptedChecks(),
                new InetSocketAddress(address, 40000), null, Runnable::run, Duration.ofSeconds(10), sasl, anvil,
                SessionHarness.UNLIMITED_SPACE, q -> q);
        s.cmd("EHLO client.example");
        return s;
    }

    /** One whole message; returns the reply to MAIL. */
    private static String message(SessionHarness s) {
        String mail = s.cmd("MAIL FROM:<spammer@example.org>");
        if (mail.startsWith("250")) {
            assertThat(s.cmd("RCPT TO:<victim@example.net>")).startsWith("250");
            assertThat(s.cmd("DATA")).startsWith("354");
            assertThat(s.send("Subject: x\r\n\r\nbuy\r\n.\r\n")).startsWith("250 2.0.0 Ok: queued as");
        }
        return mail;
    }

    @Test
    void messageRateLimitShouldRefuseTheEleventhMessageOverTwoConnections() {
        String limit = "smtpd_client_message_rate_limit = 10";
        List<String> replies = new ArrayList<>();
        SessionHarness first = session(OUTSIDER, limit);
        for (int i = 0; i < 6; i++) {
            replies.add(message(first));
        }
        SessionHarness second = session(OUTSIDER, limit);
        String log = CapturedLog.during(() -> {
            for (int i = 0; i < 6; i++) {
                replies.add(message(second));
            }
        });

        assertThat(replies.subList(0, 10)).allMatch(r -> r.equals("250 2.1.0 Ok\r\n"));
        assertThat(replies.subList(10, 12)).containsOnly("450 4.7.1 Error: too much mail from 192.0.2.10\r\n");
        assertThat(first.queue.committed.size() + second.queue.committed.size()).isEqualTo(10);
        assertThat(log).contains("warning: Message delivery request rate limit exceeded: 11 from unknown[192.0.2.10]"
                + " for service smtp", "rate limit exceeded: 12 from");
    }

    @Test
    void refusedMailShouldCountTooAndTheWindowShouldStartOverAfterTheTimeUnit() {
        SessionHarness s = session(OUTSIDER, "smtpd_client_message_rate_limit = 2", "anvil_rate_time_unit = 30s");
        assertThat(s.cmd("MAIL FROM:<a@example.org> SIZE=999999999")).startsWith("552 5.3.4"); // counted anyway
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Ok\r\n");
        s.cmd("RSET");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).startsWith("450 4.7.1 Error: too much mail from");

        clock.advance(Duration.ofSeconds(30));
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Ok\r\n");
    }

    @Test
    void mynetworksAndEventLimitExceptionsShouldNotBeCounted() {
        SessionHarness inside = session("127.0.0.1", "smtpd_client_message_rate_limit = 1");
        SessionHarness excepted = session(OUTSIDER, "smtpd_client_message_rate_limit = 1",
                "smtpd_client_event_limit_exceptions = 192.0.2.0/24");
        for (int i = 0; i < 3; i++) {
            assertThat(message(inside)).isEqualTo("250 2.1.0 Ok\r\n");
            assertThat(message(excepted)).isEqualTo("250 2.1.0 Ok\r\n");
        }
    }

    @Test
    void ipv6ClientsShouldBeCountedPerSlash84() {
        String limit = "smtpd_client_message_rate_limit = 1";
        assertThat(message(session("2001:db8::1", limit))).isEqualTo("250 2.1.0 Ok\r\n");
        assertThat(message(session("2001:db8::ffff:2", limit)))
                .isEqualTo("450 4.7.1 Error: too much mail from 2001:db8::ffff:2\r\n");
        assertThat(message(session("2001:db8:0:1::1", limit))).isEqualTo("250 2.1.0 Ok\r\n"); // another /84

        String perAddress = "smtpd_client_ipv6_prefix_length = 128";
        assertThat(message(session("2001:db8::3", limit, perAddress))).isEqualTo("250 2.1.0 Ok\r\n");
        assertThat(message(session("2001:db8::4", limit, perAddress))).isEqualTo("250 2.1.0 Ok\r\n");
    }

    @Test
    void recipientRateLimitShouldCountRcptAndVrfy() {
        SessionHarness s = session(OUTSIDER, "smtpd_client_recipient_rate_limit = 3");
        s.cmd("MAIL FROM:<a@example.org>");
        assertThat(s.cmd("RCPT TO:<one@example.net>")).isEqualTo("250 2.1.5 Ok\r\n");
        assertThat(s.cmd("VRFY two@example.net")).startsWith("252 2.0.0");
        assertThat(s.cmd("RCPT TO:<three@example.net>")).isEqualTo("250 2.1.5 Ok\r\n");
        String log = CapturedLog.during(() -> {
            assertThat(s.cmd("RCPT TO:<four@example.net>"))
                    .isEqualTo("450 4.7.1 Error: too many recipients from 192.0.2.10\r\n");
            assertThat(s.cmd("VRFY five@example.net")).isEqualTo("450 4.7.1 Error: too many recipients from 192.0.2.10\r\n");
        });
        assertThat(log).contains("warning: Recipient address rate limit exceeded: 4 from unknown[192.0.2.10] for service smtp");
        assertThat(s.cmd("DATA")).startsWith("354"); // the two accepted recipients stay
    }

    @Test
    void authRateLimitShouldRefuseEvenTheRightPasswordOnceExceeded() {
        ScriptedSaslServer server = ScriptedSaslServer.withUsers(Map.of("joe", "secret"));
        SessionHarness s = session(OUTSIDER, () -> server, "smtpd_sasl_auth_enable = yes",
                "smtpd_client_auth_rate_limit = 2");
        String wrong = "AUTH PLAIN " + ScriptedSaslServer.b64("\0joe\0guess");
        assertThat(s.cmd(wrong)).startsWith("535 5.7.8");
        assertThat(s.cmd(wrong)).startsWith("535 5.7.8");
        String log = CapturedLog.during(() -> assertThat(s.cmd("AUTH PLAIN " + ScriptedSaslServer.b64("\0joe\0secret")))
                .isEqualTo("450 4.7.1 Error: too many AUTH commands from 192.0.2.10\r\n"));
        assertThat(log).contains("warning: AUTH command rate limit exceeded: 3 from unknown[192.0.2.10] for service smtp");
        assertThat(server.requests).hasSize(4); // two exchanges of start and next; the third never reached it
    }

    @Test
    void limitsShouldCountNothingWhenUnset() {
        SessionHarness s = session(OUTSIDER);
        for (int i = 0; i < 20; i++) {
            assertThat(message(s)).isEqualTo("250 2.1.0 Ok\r\n");
        }
        assertThat(anvil.rate("smtp", OUTSIDER, org.postern.core.anvil.ClientEvent.MESSAGE, Duration.ofSeconds(60)))
                .isZero();
    }
}
