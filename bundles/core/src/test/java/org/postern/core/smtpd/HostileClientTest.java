// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.core.smtpd.restrict.SmtpStage;

import io.netty.buffer.Unpooled;

/**
 * The defences of issue 12, tried as an attacker would: every session comes from 192.0.2.10,
 * outside mynetworks, under the default main.cf unless a test says otherwise. Replies and log
 * lines are Postfix's (smtpd.c, postconf(5) for the 3.9 defaults).
 */
class HostileClientTest {

    private static final InetSocketAddress OUTSIDER = new InetSocketAddress("192.0.2.10", 40000);
    private static final String SYNC = "554 5.5.0 Error: SMTP protocol synchronization\r\n";
    private static final String GOODBYE = "221 2.7.0 Error: I can break rules, too. Goodbye.\r\n";

    private static SessionHarness outsider(String... mainCf) {
        return outsider(new ScriptedChecks(), mainCf);
    }

    private static SessionHarness outsider(ScriptedChecks checks, String... mainCf) {
        return new SessionHarness(TestConfigs.config(mainCf), checks, OUTSIDER, null, Runnable::run,
                Duration.ofSeconds(10));
    }

    /** What the session logs while {@code action} runs, and its result. */
    private static <T> Logged<T> logged(Supplier<T> action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            T result = action.get();
            return new Logged<>(result, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
    }

    private record Logged<T>(T result, String log) {
    }

    /** A session whose CONNECT restrictions wait until the test lets them run, so it can talk first. */
    private static final class HeldGreeting {
        final List<Runnable> held = new ArrayList<>();
        final SessionHarness session;

        HeldGreeting(String... mainCf) {
            Executor holdFirst = task -> {
                if (held.isEmpty()) {
                    held.add(task);
                } else {
                    task.run();
                }
            };
            session = new SessionHarness(TestConfigs.config(mainCf), new ScriptedChecks(), OUTSIDER, null, holdFirst,
                    Duration.ofSeconds(10));
        }

        /** The CONNECT restrictions finish: the greeting (or the refusal instead of it). */
        String greet() {
            held.get(0).run();
            return session.settle();
        }
    }

    // ------------------------------------------------------------ smtpd_forbid_unauth_pipelining

    @Test
    void inputBeforeTheGreetingShouldBeRefusedWithoutAGreeting() {
        HeldGreeting h = new HeldGreeting();
        assertThat(h.session.greeting).isEmpty();
        assertThat(h.session.send("EHLO bot.example\r\nMAIL FROM:<spam@bot.example>\r\n")).isEmpty();
        Logged<String> greeting = logged(h::greet);
        assertThat(greeting.result()).isEqualTo(SYNC);
        assertThat(h.session.open()).isFalse();
        assertThat(greeting.log()).contains("improper command pipelining after CONNECT from unknown[192.0.2.10]: "
                + "EHLO bot.example\\r\\nMAIL FROM:<spam@bot.example>\\r\\n");
        assertThat(h.session.checks.calls).extracting(ScriptedChecks.Call::stage).containsExactly(SmtpStage.CONNECT);
    }

    @Test
    void inputBeforeTheGreetingShouldOnlyBeLoggedWhenPipeliningIsNotForbidden() {
        HeldGreeting h = new HeldGreeting("smtpd_forbid_unauth_pipelining = no");
        h.session.send("HELO bot.example\r\n");
        Logged<String> greeting = logged(h::greet);
        assertThat(greeting.result()).isEqualTo("220 mx.example.test ESMTP Postern\r\n250 mx.example.test\r\n");
        assertThat(greeting.log()).contains("improper command pipelining after CONNECT from unknown[192.0.2.10]");
    }

    @Test
    void commandsPipelinedAfterHeloShouldHangUp() {
        SessionHarness s = outsider();
        s.cmd("HELO bot.example");
        Logged<String> replies = logged(() -> s.send(
                "MAIL FROM:<spam@bot.example>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n"));
        assertThat(replies.result()).isEqualTo(SYNC);
        assertThat(s.open()).isFalse();
        assertThat(replies.log()).contains("improper command pipelining after MAIL from unknown[192.0.2.10]: "
                + "RCPT TO:<victim@example.net>\\r\\nDATA\\r\\n")
                .contains("disconnect from unknown[192.0.2.10] helo=1 mail=0/1 commands=1/2");
        assertThat(s.checks.calls).noneMatch(c -> c.stage() == SmtpStage.MAIL || c.stage() == SmtpStage.RCPT);
    }

    @Test
    void ehloClientShouldPipelineWithinACommandGroup() {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        assertThat(s.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n"))
                .isEqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
        // RFC 2920: a new transaction may follow the final dot in the same group, up to DATA.
        assertThat(s.send("body\r\n.\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"))
                .isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
                        + "354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(s.open()).isTrue();
    }

    // RFC 2920 section 3.1: EHLO, DATA, VRFY and NOOP end a group; what follows them must wait.
    @ParameterizedTest
    @ValueSource(strings = {"EHLO client.example\r\nMAIL FROM:<a@example.org>\r\n", "NOOP\r\nQUIT\r\n",
        "VRFY postmaster\r\nNOOP\r\n", "HELO client.example\r\nNOOP\r\n"})
    void inputAfterACommandThatEndsAGroupShouldHangUpEvenForEhloClients(String group) {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        assertThat(s.send(group)).isEqualTo(SYNC);
        assertThat(s.open()).isFalse();
    }

    @Test
    void messageSentWithDataInOneWriteShouldNotBeQueued() {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        assertThat(s.send("DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n")).isEqualTo(SYNC);
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.checks.calls).noneMatch(c -> c.stage() == SmtpStage.DATA);
    }

    /**
     * A client that is not allowed to pipeline sends a second transaction right behind the final
     * dot. As in Postfix, the message before the dot is complete and queued (its end-of-data
     * needs no reply first); the pipelined transaction is refused before any of it runs.
     */
    @Test
    void transactionPipelinedAfterTheFinalDotShouldNotRunForAHeloClient() {
        SessionHarness s = outsider();
        s.cmd("HELO bot.example");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        assertThat(s.cmd("DATA")).startsWith("354 ");
        Logged<String> replies = logged(() -> s.send("Subject: x\r\n\r\nfirst\r\n.\r\n"
                + "MAIL FROM:<evil@x.example>\r\nRCPT TO:<victim@y.example>\r\nDATA\r\n\r\nsmuggled\r\n.\r\n"));
        assertThat(replies.result()).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n" + SYNC);
        assertThat(s.open()).isFalse();
        assertThat(s.queue.committed).hasSize(1);
        assertThat(s.queue.committed.get(0).text()).isEqualTo("Subject: x\r\n\r\nfirst\r\n");
        assertThat(s.checks.calls).noneMatch(c -> "evil@x.example".equals(c.facts().sender()));
        assertThat(replies.log()).contains("improper command pipelining after MAIL from unknown[192.0.2.10]");
    }

    /** The same for an EHLO client: its pipelined MAIL and RCPT run, the DATA with text behind it does not. */
    @Test
    void messagePipelinedAfterTheFinalDotShouldNotBeQueuedForAnEhloClient() {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        s.cmd("DATA");
        assertThat(s.send("first\r\n.\r\nMAIL FROM:<evil@x.example>\r\nRCPT TO:<victim@y.example>\r\nDATA\r\n"
                + "smuggled\r\n.\r\n")).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n250 2.1.0 Ok\r\n"
                        + "250 2.1.5 Ok\r\n" + SYNC);
        assertThat(s.queue.committed).hasSize(1);
        assertThat(s.queue.committed.get(0).text()).isEqualTo("first\r\n");
        assertThat(s.checks.calls).noneMatch(c -> c.stage() == SmtpStage.DATA && "evil@x.example".equals(c.facts().sender()));
    }

    @Test
    void discardedPipeliningKeywordShouldNotAllowPipelining() {
        SessionHarness s = outsider("smtpd_discard_ehlo_keywords = pipelining, silent-discard");
        assertThat(s.cmd("EHLO client.example")).doesNotContain("PIPELINING");
        assertThat(s.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n")).isEqualTo(SYNC);
    }

    @Test
    void improperPipeliningShouldBeServedAndRememberedWhenNotForbidden() {
        SessionHarness s = outsider("smtpd_forbid_unauth_pipelining = no");
        s.cmd("HELO bot.example");
        assertThat(s.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"))
                .isEqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
        // reject_unauth_pipelining in smtpd_data_restrictions sees it.
        assertThat(s.checks.calls.get(s.checks.calls.size() - 1).facts().illegalPipelining()).isTrue();
    }

    // ------------------------------------------------------------ smtpd_forbidden_commands

    /** The first bytes of a TLS 1.2 ClientHello, as a client that expects TLS at once sends them. */
    private static byte[] clientHello() {
        byte[] random = new byte[32];
        java.util.Arrays.fill(random, (byte) 0x5a);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xf1, 0x01, 0x00, 0x00, (byte) 0xed, 0x03, 0x03});
        b.writeBytes(random);
        b.writeBytes(new byte[] {0x00, 0x00, 0x08, 0x13, 0x01, (byte) 0xc0, 0x2b, (byte) 0xc0, 0x2f, (byte) 0xc0, 0x0a,
            0x01, 0x00});
        return b.toByteArray();
    }

    @Test
    void tlsClientHelloOnThePlaintextPortShouldHangUp() {
        SessionHarness s = outsider();
        Logged<String> replies = logged(() -> {
            s.channel.writeInbound(Unpooled.wrappedBuffer(clientHello()));
            return s.settle();
        });
        assertThat(replies.result()).isEqualTo(GOODBYE);
        assertThat(s.open()).isFalse();
        assertThat(replies.log()).contains("non-SMTP command from unknown[192.0.2.10]: ???");
    }

    // smtpd_forbidden_commands' default "regexp:{{/^[^A-Z]/ Bogus}}": lines not starting with a letter.
    @ParameterizedTest
    @ValueSource(strings = {"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", "[1,2,3]", "<html>", "123 abc", ".", "-x", "\u00c4RGER",
        "\u0001EHLO x", "get / HTTP/1.1", "CONNECT mx.example:25 HTTP/1.1", "Post /x"})
    void nonSmtpLineShouldHangUp(String line) {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        assertThat(s.cmd(line)).isEqualTo(GOODBYE);
        assertThat(s.open()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO", "foo bar", "EXPN all", "Xyz"})
    void unknownCommandStartingWithALetterShouldBeRefusedAndTheSessionGoOn(String line) {
        SessionHarness s = outsider();
        assertThat(s.cmd(line)).isEqualTo("500 5.5.2 Error: command not recognized\r\n");
        assertThat(s.cmd("NOOP")).isEqualTo("250 2.0.0 Ok\r\n");
    }

    @Test
    void forbiddenCommandsShouldBeTheConfiguredList() {
        SessionHarness s = outsider("smtpd_forbidden_commands = FOO, inline:{{xyzzy=whatever}}");
        assertThat(s.cmd("GET / HTTP/1.1")).isEqualTo("500 5.5.2 Error: command not recognized\r\n");
        assertThat(s.cmd("[1, 2]")).isEqualTo("500 5.5.2 Error: command not recognized\r\n");
        assertThat(s.cmd("XYZZY")).isEqualTo(GOODBYE);
        SessionHarness t = outsider("smtpd_forbidden_commands = FOO, inline:{{xyzzy=whatever}}");
        assertThat(t.cmd("foo bar")).isEqualTo(GOODBYE);
    }

    @Test
    void emptyForbiddenCommandsShouldStillHangUpOnHeaders() {
        SessionHarness s = outsider("smtpd_forbidden_commands =");
        assertThat(s.cmd("GET / HTTP/1.1")).isEqualTo("500 5.5.2 Error: command not recognized\r\n");
        assertThat(s.cmd("Host: mx.example")).isEqualTo(GOODBYE);
    }

    @Test
    void nonSmtpCommandShouldHangUpEvenWhenAccessIsDenied() {
        ScriptedChecks checks = new ScriptedChecks().reject(SmtpStage.CONNECT, 554, "5.7.1", "go away");
        SessionHarness s = outsider(checks);
        assertThat(s.greeting).isEqualTo("554 5.7.1 go away\r\n");
        assertThat(s.cmd("FOO")).isEqualTo("503 5.7.0 Error: access denied for unknown[192.0.2.10]\r\n");
        assertThat(s.cmd("GET / HTTP/1.1")).isEqualTo(GOODBYE);
    }

    // ------------------------------------------------------------ NUL in a command line

    @Test
    void commandWithANulShouldBeRefusedWhole() {
        SessionHarness s = outsider();
        assertThat(s.send("EHLO a\u0000b\r\n")).isEqualTo("500 5.5.2 Error: bad syntax\r\n");
        s.cmd("EHLO a");
        assertThat(s.cmd("MAIL FROM:<a@example.org>\u0000<evil@example.org>")).isEqualTo("500 5.5.2 Error: bad syntax\r\n");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Ok\r\n");
        s.cmd("RCPT TO:<b@example.net>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        assertThat(s.queue.committed).hasSize(1);
        assertThat(s.queue.committed.get(0).envelope().client().heloName()).isEqualTo("a");
        assertThat(s.queue.committed.get(0).envelope().sender()).isEqualTo("a@example.org");
        assertThat(s.send("\u0000EHLO x\r\n")).isEqualTo("500 5.5.2 Error: bad syntax\r\n");
    }

    // ------------------------------------------------------------ smtpd_recipient_overshoot_limit

    @Test
    void recipientsBeyondTheLimitShouldBeRefusedAndTheTransactionComplete() {
        SessionHarness s = outsider();
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        StringBuilder rcpts = new StringBuilder();
        for (int i = 0; i < 1021; i++) {
            rcpts.append("RCPT TO:<r").append(i).append("@example.net>\r\n");
        }
        Logged<String> replies = logged(() -> s.send(rcpts.toString()));
        assertThat(replies.result()).isEqualTo("250 2.1.5 Ok\r\n".repeat(1000)
                + "452 4.5.3 Error: too many recipients\r\n".repeat(21));
        assertThat(s.cmd("DATA")).startsWith("354 ");
        assertThat(s.send("Subject: many\r\n\r\nx\r\n.\r\n")).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n");
        assertThat(s.queue.committed.get(0).envelope().recipients()).hasSize(1000);
        assertThat(s.queue.committed.get(0).envelope().recipients().get(999).address()).isEqualTo("r999@example.net");
        assertThat(s.cmd("QUIT")).isEqualTo("221 2.0.0 Bye\r\n");
    }

    @Test
    void refusalsBeyondTheOvershootLimitShouldCountAsErrors() {
        SessionHarness s = outsider("smtpd_recipient_limit = 2", "smtpd_recipient_overshoot_limit = 2",
                "smtpd_hard_error_limit = 2");
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        String tooMany = "452 4.5.3 Error: too many recipients\r\n";
        assertThat(s.send("RCPT TO:<r1@example.net>\r\nRCPT TO:<r2@example.net>\r\nRCPT TO:<r3@example.net>\r\n"
                + "RCPT TO:<r4@example.net>\r\n")).isEqualTo("250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n" + tooMany + tooMany);
        assertThat(s.cmd("RCPT TO:<r5@example.net>")).isEqualTo(tooMany);
        assertThat(s.open()).isTrue();
        assertThat(s.cmd("RCPT TO:<r6@example.net>"))
                .isEqualTo(tooMany + "421 4.7.0 mx.example.test Error: too many errors\r\n");
        assertThat(s.open()).isFalse();
    }
}
