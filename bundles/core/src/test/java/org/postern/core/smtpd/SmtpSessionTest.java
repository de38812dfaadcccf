// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.BodyType;
import org.postern.api.message.DsnRequest;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.MessageAction;
import org.postern.core.smtpd.restrict.SmtpStage;

class SmtpSessionTest {

    private static SessionHarness session(String... mainCf) {
        return new SessionHarness(TestConfigs.config(mainCf));
    }

    private static String line(String reply) {
        return reply + "\r\n";
    }

    @Test
    void greetingShouldBeTheBanner() {
        assertThat(session().greeting).isEqualTo(line("220 mx.example.test ESMTP Postern"));
    }

    @Test
    void ehloShouldAnnounceTheExtensionsInPostfixOrder() {
        SessionHarness s = session();
        assertThat(s.cmd("EHLO client.example")).isEqualTo(String.join("\r\n",
                "250-mx.example.test", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY", "250-ETRN",
                "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING") + "\r\n");
    }

    @Test
    void ehloShouldNotAnnounceVrfyOrSmtputf8WhenDisabled() {
        SessionHarness s = session("disable_vrfy_command = yes", "smtputf8_enable = no", "message_size_limit = 0");
        String reply = s.cmd("EHLO client.example");
        assertThat(reply).doesNotContain("VRFY").doesNotContain("SMTPUTF8").contains("250-SIZE\r\n")
                .doesNotContain("STARTTLS").doesNotContain("AUTH");
    }

    @Test
    void heloShouldAnswerWithTheHostnameOnly() {
        assertThat(session().cmd("HELO client.example")).isEqualTo(line("250 mx.example.test"));
    }

    @Test
    void fullTransactionShouldQueueTheExactEnvelopeAndContent() {
        SessionHarness s = session();
        s.cmd("EHLO client.example");
        assertThat(s.cmd("MAIL FROM:<alice@example.org> BODY=8BITMIME RET=HDRS ENVID=abc+2Bdef"))
                .isEqualTo(line("250 2.1.0 Ok"));
        assertThat(s.cmd("RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob+2Bx@example.net"))
                .isEqualTo(line("250 2.1.5 Ok"));
        assertThat(s.cmd("RCPT TO:<carol@example.net>")).isEqualTo(line("250 2.1.5 Ok"));
        assertThat(s.cmd("DATA")).isEqualTo(line("354 End data with <CR><LF>.<CR><LF>"));
        String reply = s.send("Subject: test\r\n\r\nHello\r\n..leading dot\r\n.\r\n");
        assertThat(reply).isEqualTo(line("250 2.0.0 Ok: queued as 4Xtest0001"));
        assertThat(s.queue.committed).hasSize(1);
        InMemoryQueueStore.Stored m = s.queue.committed.get(0);
        assertThat(m.text()).isEqualTo("Subject: test\r\n\r\nHello\r\n.leading dot\r\n");
        assertThat(m.envelope().sender()).isEqualTo("alice@example.org");
        assertThat(m.envelope().recipients()).containsExactly(
                new EnvelopeRecipient("bob@example.net", "rfc822;bob+x@example.net",
                        Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE)),
                new EnvelopeRecipient("carol@example.net", "", Set.of()));
        assertThat(m.envelope().dsn()).isEqualTo(new DsnRequest("abc+def", DsnRequest.Return.HDRS));
        assertThat(m.envelope().client().heloName()).isEqualTo("client.example");
        assertThat(m.envelope().client().protocol()).isEqualTo("ESMTP");
        assertThat(m.envelope().client().name()).isEqualTo("unknown");
        assertThat(m.envelope().body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(m.envelope().smtputf8()).isFalse();
        assertThat(s.cmd("QUIT")).isEqualTo(line("221 2.0.0 Bye"));
        assertThat(s.open()).isFalse();
    }

    @Test
    void nullSenderShouldBeAccepted() {
        SessionHarness s = session();
        s.cmd("HELO c");
        assertThat(s.cmd("MAIL FROM:<>")).isEqualTo(line("250 2.1.0 Ok"));
        s.cmd("RCPT TO:<postmaster>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        assertThat(s.queue.committed.get(0).envelope().sender()).isEmpty();
        assertThat(s.queue.committed.get(0).envelope().recipients().get(0).address()).isEqualTo("postmaster");
    }

    @Test
    void pipelinedTransactionShouldGetRepliesInOrder() {
        SessionHarness s = session();
        s.cmd("EHLO client.example");
        String replies = s.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n"
                + "DATA\r\n");
        assertThat(replies).isEqualTo("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
                + "354 End data with <CR><LF>.<CR><LF>\r\n");
        assertThat(s.send("body\r\n.\r\nQUIT\r\n")).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n221 2.0.0 Bye\r\n");
    }

    // RFC 5321 section 4.1.4 (command order) and 4.3.2 (reply codes); texts as Postfix's smtpd.
    // Columns: commands before (';'-separated) | command | expected reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "EHLO c                         | RCPT TO:<b@example.net>   | 503 5.5.1 Error: need MAIL command",
        "EHLO c                         | DATA                      | 503 5.5.1 Error: need RCPT command",
        "EHLO c;MAIL FROM:<a@b.c>       | DATA                      | 554 5.5.1 Error: no valid recipients",
        "EHLO c;MAIL FROM:<a@b.c>       | MAIL FROM:<a@b.c>         | 503 5.5.1 Error: nested MAIL command",
        "EHLO c;MAIL FROM:<a@b.c>       | HELO c                    | 250 mx.example.test",
        "EHLO c;MAIL FROM:<a@b.c>;HELO c | RCPT TO:<b@example.net>  | 503 5.5.1 Error: need MAIL command",
        "EHLO c;MAIL FROM:<a@b.c>;RSET  | RCPT TO:<b@example.net>   | 503 5.5.1 Error: need MAIL command",
        "EHLO c                         | BDAT 10                   | ",
        "HELO c                         | MAIL FROM:<a@b.c> BODY=8BITMIME | 250 2.1.0 Ok",
        "HELO c;MAIL FROM:<a@b.c>       | RCPT TO:<b@c.d> NOTIFY=NEVER | 250 2.1.5 Ok",
        "HELO c                         | MAIL FROM:<a@b.c> SMTPUTF8 | 250 2.1.0 Ok",
        "EHLO c                         | MAIL FROM:<ü@b.c>         | 250 2.1.0 Ok",
        "EHLO c                         | RCPT                      | 503 5.5.1 Error: need MAIL command",
        "EHLO c;MAIL FROM:<a@b.c>       | MAIL                      | 503 5.5.1 Error: nested MAIL command",
        "EHLO c                         | STARTTLS                  | 502 5.5.1 Error: command not implemented",
        "EHLO c                         | AUTH PLAIN AGFAAGI=       | 503 5.5.1 Error: authentication not enabled",
        "EHLO c                         | XCLIENT ADDR=192.0.2.1    | 550 5.7.0 Error: insufficient authorization",
        "EHLO c                         | ETRN example.com          | 459 <example.com>: service unavailable",
        "EHLO c;MAIL FROM:<a@b.c>       | ETRN example.com          | 503 Error: MAIL transaction in progress",
        "EHLO c                         | ETRN                      | 500 Syntax: ETRN domain",
        "EHLO c                         | ETRN -bad-                | 501 Error: invalid parameter syntax",
        "EHLO c                         | VRFY postmaster           | 252 2.0.0 postmaster",
        "EHLO c                         | FOO bar                   | 500 5.5.2 Error: command not recognized",
        "EHLO c                         | NOOP                      | 250 2.0.0 Ok",
        "EHLO c                         | RSET                      | 250 2.0.0 Ok",
        "EHLO c                         | MAIL FROM:<a@b.c> SIZE=10240001 | 552 5.3.4 Message size exceeds fixed limit",
        "EHLO c                         | MAIL FROM:<a@b.c> SIZE=10240000 | 250 2.1.0 Ok",
    })
    void commandsOutOfOrderShouldGetPostfixReplies(String before, String command, String expected) {
        SessionHarness s = session();
        for (String b : before.split(";")) {
            s.cmd(b.strip());
        }
        String reply = s.cmd(command.strip());
        if (expected == null) {
            // BDAT without a transaction: the chunk is read first, then refused.
            assertThat(reply).isEmpty();
            assertThat(s.send("0123456789")).isEqualTo(line("503 5.5.1 Error: need RCPT command"));
            return;
        }
        assertThat(reply).isEqualTo(line(expected.strip()));
    }

    @Test
    void bdatAfterHeloShouldBeAcceptedAsPostfixDoes() {
        // The chunk follows BDAT without a reply in between: improper pipelining after HELO, which
        // smtpd_forbid_unauth_pipelining = yes refuses (pipeliningAfterHeloShouldHangUp).
        SessionHarness s = session("smtpd_forbid_unauth_pipelining = no");
        s.cmd("HELO c");
        s.cmd("MAIL FROM:<a@b.c>");
        s.cmd("RCPT TO:<d@e.f>");
        // Postfix counts the message as stored: the missing final CRLF is added.
        assertThat(s.send("BDAT 3 LAST\r\nabc")).isEqualTo(line("250 2.0.0 Ok: 5 bytes queued as 4Xtest0001"));
    }

    @Test
    void nonAsciiAddressShouldNeedSmtputf8OnlyUnderStrictSmtputf8() {
        SessionHarness s = session("strict_smtputf8 = yes");
        s.cmd("EHLO c");
        assertThat(s.cmd("MAIL FROM:<ü@b.c>")).isEqualTo(line("553 5.6.7 Must declare SMTPUTF8 to send unicode address"));
        s.cmd("MAIL FROM:<a@b.c>");
        assertThat(s.cmd("RCPT TO:<ü@b.c>")).isEqualTo(line("553 5.6.7 Must declare SMTPUTF8 to send unicode address"));
    }

    @Test
    void strictRfc821EnvelopesShouldNeedAngleBrackets() {
        SessionHarness s = session("strict_rfc821_envelopes = yes");
        s.cmd("EHLO c");
        assertThat(s.cmd("MAIL FROM:a@b.c")).isEqualTo(line("501 5.1.7 Bad sender address syntax"));
        s.cmd("MAIL FROM:<a@b.c>");
        assertThat(s.cmd("RCPT TO:d@e.f")).isEqualTo(line("501 5.1.3 Bad recipient address syntax"));
    }

    @Test
    void etrnShouldFlushAFastFlushDomainThroughTheQueueManager() {
        ScriptedChecks checks = new ScriptedChecks();
        checks.fastFlushDomains.add("example.com");
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        s.cmd("EHLO c");
        // RFC 1985: "@domain" asks for the domain and its subdomains; Postfix drops the first character.
        assertThat(s.cmd("ETRN @example.com")).isEqualTo(line("250 Queuing started"));
        assertThat(s.cmd("ETRN example.org")).isEqualTo(line("459 <example.org>: service unavailable"));
        assertThat(s.flushedSites).containsExactly("example.com");
    }

    @Test
    void vrfyShouldBeRefusedWhenDisabled() {
        SessionHarness s = session("disable_vrfy_command = yes");
        assertThat(s.cmd("VRFY postmaster")).isEqualTo(line("502 5.5.1 VRFY command is disabled"));
    }

    @Test
    void heloShouldBeRequiredWhenConfigured() {
        SessionHarness s = session("smtpd_helo_required = yes");
        assertThat(s.cmd("MAIL FROM:<a@b.c>")).isEqualTo(line("503 5.5.1 Error: send HELO/EHLO first"));
    }

    @Test
    void bdatTransactionShouldQueueTheChunks() {
        SessionHarness s = session();
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        assertThat(s.send("BDAT 14\r\nSubject: x\r\n\r\n")).isEqualTo(line("250 2.0.0 Ok: 14 bytes"));
        assertThat(s.send("BDAT 9 LAST\r\n.body\r\n\r\n")).isEqualTo(line("250 2.0.0 Ok: 23 bytes queued as 4Xtest0001"));
        assertThat(s.queue.committed.get(0).text()).isEqualTo("Subject: x\r\n\r\n.body\r\n\r\n");
        assertThat(s.cmd("DATA")).isEqualTo(line("503 5.5.1 Error: need RCPT command"));
    }

    @Test
    void bdatShouldRefuseDataAndRcptInTheMiddle() {
        SessionHarness s = session();
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        s.send("BDAT 3\r\nabc");
        assertThat(s.cmd("DATA")).isEqualTo(line("503 5.5.1 Error: DATA after BDAT"));
        assertThat(s.cmd("RCPT TO:<c@example.net>")).isEqualTo(line("503 5.5.1 Error: RCPT after BDAT"));
        assertThat(s.cmd("MAIL FROM:<c@example.net>")).isEqualTo(line("503 5.5.1 Error: nested MAIL command"));
        assertThat(s.send("BDAT 0\r\n")).isEqualTo(line("551 5.7.1 Null BDAT request"));
    }

    @Test
    void bdatOverTheSizeLimitShouldBeDiscarded() {
        SessionHarness s = session("message_size_limit = 10");
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        assertThat(s.send("BDAT 8\r\n12345678")).isEqualTo(line("250 2.0.0 Ok: 8 bytes"));
        assertThat(s.send("BDAT 8\r\n12345678")).isEqualTo(line("552 5.3.4 Error: message file too big"));
        assertThat(s.send("BDAT 2 LAST\r\n12")).isEqualTo(line("551 5.0.0 Discarded 2 bytes after earlier error"));
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.queue.discarded.get()).isEqualTo(1);
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo(line("250 2.1.0 Ok"));
    }

    @Test
    void dataOverTheSizeLimitShouldBeRefusedAfterTheDot() {
        SessionHarness s = session("message_size_limit = 20");
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        s.cmd("DATA");
        // Postfix counts each line plus 2 for its line end: 18 + 2 = 20 fits, one more byte does not.
        assertThat(s.send("x".repeat(18) + "\r\n.\r\n")).startsWith("250 2.0.0 Ok: queued as");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        s.cmd("DATA");
        assertThat(s.send("x".repeat(19) + "\r\n.\r\n")).isEqualTo(line("552 5.3.4 Error: message file too big"));
        assertThat(s.queue.committed).hasSize(1);
    }

    @Test
    void overlongHeaderShouldBeTruncatedAtHeaderSizeLimit() {
        SessionHarness s = session("header_size_limit = 40");
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        s.cmd("DATA");
        s.send("X-Long: " + "a".repeat(20) + "\r\n " + "b".repeat(20) + "\r\n " + "c".repeat(20) + "\r\n"
                + "Subject: ok\r\n\r\n" + "d".repeat(60) + "\r\n.\r\n");
        assertThat(s.queue.committed.get(0).text()).isEqualTo("X-Long: " + "a".repeat(20) + "\r\nSubject: ok\r\n\r\n"
                + "d".repeat(60) + "\r\n");
    }

    @Test
    void recipientLimitShouldDeferTheExcess() {
        SessionHarness s = session("smtpd_recipient_limit = 2");
        s.cmd("EHLO c");
        s.cmd("MAIL FROM:<a@example.org>");
        assertThat(s.cmd("RCPT TO:<1@example.net>")).isEqualTo(line("250 2.1.5 Ok"));
        assertThat(s.cmd("RCPT TO:<2@example.net>")).isEqualTo(line("250 2.1.5 Ok"));
        assertThat(s.cmd("RCPT TO:<3@example.net>")).isEqualTo(line("452 4.5.3 Error: too many recipients"));
    }

    @Test
    void hardErrorLimitShouldHangUp() {
        SessionHarness s = session("smtpd_hard_error_limit = 3", "smtpd_error_sleep_time = 0");
        assertThat(s.cmd("FOO")).isEqualTo(line("500 5.5.2 Error: command not recognized"));
        assertThat(s.cmd("FOO")).isEqualTo(line("500 5.5.2 Error: command not recognized"));
        assertThat(s.cmd("FOO")).isEqualTo(line("500 5.5.2 Error: command not recognized")
                + line("421 4.7.0 mx.example.test Error: too many errors"));
        assertThat(s.open()).isFalse();
    }

    @Test
    void junkCommandsBeyondTheLimitShouldCountAsErrors() {
        SessionHarness s = session("smtpd_junk_command_limit = 2", "smtpd_hard_error_limit = 2",
                "smtpd_error_sleep_time = 0");
        s.cmd("NOOP");
        s.cmd("NOOP");
        s.cmd("NOOP");
        assertThat(s.open()).isTrue();
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok") + line("421 4.7.0 mx.example.test Error: too many errors"));
        assertThat(s.open()).isFalse();
    }

    @Test
    void softErrorLimitShouldDelayReplies() {
        SessionHarness s = session("smtpd_soft_error_limit = 1", "smtpd_error_sleep_time = 5s");
        s.cmd("FOO");
        s.channel.writeInbound(io.netty.buffer.Unpooled.copiedBuffer("NOOP\r\n", java.nio.charset.StandardCharsets.US_ASCII));
        s.channel.runPendingTasks();
        assertThat((Object) s.channel.readOutbound()).as("no reply before the error sleep").isNull();
        s.channel.advanceTimeBy(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(s.settle()).isEqualTo(line("250 2.0.0 Ok"));
    }

    @Test
    void restrictionRefusalShouldBeSentAsIs() {
        ScriptedChecks checks = new ScriptedChecks()
                .rejectRecipient("x@y.example", 554, "5.7.1", "<x@y.example>: Relay access denied")
                .rejectRecipient("t@y.example", 450, "4.1.1", "<t@y.example>: Recipient address rejected: try later");
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        assertThat(s.cmd("RCPT TO:<x@y.example>")).isEqualTo(line("554 5.7.1 <x@y.example>: Relay access denied"));
        assertThat(s.cmd("RCPT TO:<t@y.example>"))
                .isEqualTo(line("450 4.1.1 <t@y.example>: Recipient address rejected: try later"));
        assertThat(s.cmd("DATA")).isEqualTo(line("554 5.5.1 Error: no valid recipients"));
    }

    @Test
    void everyStageShouldBeCheckedWithTheSessionFacts() {
        SessionHarness s = session();
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@b.example> SIZE=5");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("RCPT TO:<e@f.example>");
        s.cmd("DATA");
        s.send("hi\r\n.\r\n");
        List<ScriptedChecks.Call> calls = s.checks.calls;
        assertThat(calls).extracting(ScriptedChecks.Call::stage).containsExactly(SmtpStage.CONNECT, SmtpStage.HELO,
                SmtpStage.MAIL, SmtpStage.RCPT, SmtpStage.RCPT, SmtpStage.DATA, SmtpStage.END_OF_DATA);
        assertThat(calls.get(1).facts().heloName()).isEqualTo("client.example");
        assertThat(calls.get(2).facts().sender()).isEqualTo("a@b.example");
        assertThat(calls.get(2).facts().messageSize()).isEqualTo(5);
        assertThat(calls.get(4).facts().recipient()).isEqualTo("e@f.example");
        assertThat(calls.get(4).facts().recipientCount()).isEqualTo(1);
        assertThat(calls.get(6).facts().messageSize()).isEqualTo(4);
        assertThat(calls.get(6).facts().protocol()).isEqualTo("ESMTP");
        assertThat(calls.get(6).facts().service()).isEqualTo("smtp");
    }

    @Test
    void messageActionsShouldBecomeEnvelopeAttributes() {
        ScriptedChecks checks = new ScriptedChecks()
                .actions(SmtpStage.MAIL, new MessageAction.Hold("sender triggers HOLD"),
                        new MessageAction.Prepend("X-One: 1"))
                .actions(SmtpStage.DATA, new MessageAction.Prepend("X-Two: 2"), new MessageAction.Filter("smtp:[127.0.0.1]:10025"));
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        MessageActions actions = s.queue.committed.get(0).envelope().actions();
        assertThat(actions.hold()).contains("sender triggers HOLD");
        assertThat(actions.prepend()).containsExactly("X-One: 1", "X-Two: 2");
        assertThat(actions.filter()).contains("smtp:[127.0.0.1]:10025");
    }

    @Test
    void contentFilterShouldRouteEveryMessageUnlessAFilterActionSaysOtherwise() {
        SessionHarness plain = session("content_filter = smtp-amavis:[127.0.0.1]:10024");
        plain.cmd("EHLO h");
        plain.cmd("MAIL FROM:<a@b.example>");
        plain.cmd("RCPT TO:<c@d.example>");
        plain.cmd("DATA");
        plain.send("x\r\n.\r\n");
        assertThat(plain.queue.committed.get(0).envelope().actions().filter()).contains("smtp-amavis:[127.0.0.1]:10024");

        ScriptedChecks checks = new ScriptedChecks()
                .actions(SmtpStage.RCPT, new MessageAction.Filter("scan:[127.0.0.1]:10026"));
        SessionHarness filtered = new SessionHarness(
                TestConfigs.config("content_filter = smtp-amavis:[127.0.0.1]:10024"), checks);
        filtered.cmd("EHLO h");
        filtered.cmd("MAIL FROM:<a@b.example>");
        filtered.cmd("RCPT TO:<c@d.example>");
        filtered.cmd("DATA");
        filtered.send("x\r\n.\r\n");
        assertThat(filtered.queue.committed.get(0).envelope().actions().filter()).contains("scan:[127.0.0.1]:10026");

        SessionHarness none = session();
        none.cmd("EHLO h");
        none.cmd("MAIL FROM:<a@b.example>");
        none.cmd("RCPT TO:<c@d.example>");
        none.cmd("DATA");
        none.send("x\r\n.\r\n");
        assertThat(none.queue.committed.get(0).envelope().actions().filter()).isEmpty();
    }

    @Test
    void connectRefusalShouldBeTheGreetingAndDenyEverythingButQuit() {
        ScriptedChecks checks = new ScriptedChecks().reject(SmtpStage.CONNECT, 554, "5.7.1",
                "<unknown[unknown]>: Client host rejected: Access denied");
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        assertThat(s.greeting).isEqualTo(line("554 5.7.1 <unknown[unknown]>: Client host rejected: Access denied"));
        assertThat(s.cmd("EHLO c")).isEqualTo(line("503 5.7.0 Error: access denied for unknown[unknown]"));
        assertThat(s.cmd("QUIT")).isEqualTo(line("221 2.0.0 Bye"));
    }

    @Test
    void endOfDataRefusalShouldDiscardTheMessage() {
        ScriptedChecks checks = new ScriptedChecks().reject(SmtpStage.END_OF_DATA, 550, "5.7.1", "Message rejected");
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        assertThat(s.send("x\r\n.\r\n")).isEqualTo(line("550 5.7.1 Message rejected"));
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.queue.discarded.get()).isEqualTo(1);
    }

    @Test
    void failedCommitShouldBeATemporaryError() {
        SessionHarness s = session();
        s.queue.failCommits = true;
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        assertThat(s.send("x\r\n.\r\n")).isEqualTo(line("451 4.3.0 Error: queue file write error"));
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok"));
    }

    @Test
    void cleanupRejectionShouldBeSentAndLoggedInsteadOfAWriteError() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SessionHarness s = session();
        String reply;
        try {
            s.queue.commitFailure = new CompletionException(new CleanupRejection(
                    new SmtpReply(550, "5.7.1", "Message content rejected")));
            s.cmd("EHLO h.example");
            s.cmd("MAIL FROM:<a@b.example>");
            s.cmd("RCPT TO:<c@d.example>");
            s.cmd("DATA");
            reply = s.send("x\r\n.\r\n");
        } finally {
            System.setErr(original);
        }
        assertThat(reply).isEqualTo(line("550 5.7.1 Message content rejected"));
        assertThat(s.queue.committed).isEmpty();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("4Xtest0001: reject: END-OF-MESSAGE from "
                + "unknown[unknown]: 550 5.7.1 Message content rejected; from=<a@b.example> to=<c@d.example> "
                + "proto=ESMTP helo=<h.example>");
        assertThat(s.cmd("MAIL FROM:<a@b.example>")).isEqualTo(line("250 2.1.0 Ok"));
    }

    @Test
    void unwrappedCleanupRejectionShouldBeSentToo() {
        SessionHarness s = session();
        s.queue.commitFailure = new CleanupRejection(new SmtpReply(554, "5.7.0", "Too many recipients"));
        s.cmd("HELO h.example");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        assertThat(s.send("x\r\n.\r\n")).isEqualTo(line("554 5.7.0 Too many recipients"));
    }

    @Test
    void bareLineFeedShouldBeRefusedUnderReject() {
        SessionHarness s = session("smtpd_forbid_bare_newline = reject",
                "smtpd_forbid_bare_newline_exclusions = 192.0.2.0/24");
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        // As Postfix: the data is read to its end, the message refused, the session goes on.
        assertThat(s.send("Subject: x\n\nbody\r\n.\r\n"))
                .isEqualTo(line("550 5.5.2 mx.example.test Error: bare <LF> received"));
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok"));
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.send("NOOP\n")).isEqualTo(line("550 5.5.2 mx.example.test Error: bare <LF> received"));
        assertThat(s.open()).isFalse();
    }

    @Test
    void smugglingPayloadShouldStayInsideTheMessageUnderNormalize() {
        SessionHarness s = session("smtpd_forbid_bare_newline = normalize");
        s.cmd("EHLO h");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        String reply = s.send("Subject: x\r\n\r\nbody\n.\nMAIL FROM:<evil@x.example>\r\nRCPT TO:<v@y.example>\r\n"
                + "DATA\r\n\r\n.\r\n");
        assertThat(reply).isEqualTo(line("250 2.0.0 Ok: queued as 4Xtest0001"));
        assertThat(s.queue.committed).hasSize(1);
        assertThat(s.queue.committed.get(0).text()).contains("MAIL FROM:<evil@x.example>\r\n");
    }

    @Test
    void forbiddenCommandShouldHangUp() {
        SessionHarness s = session();
        assertThat(s.cmd("GET / HTTP/1.1")).isEqualTo(line("221 2.7.0 Error: I can break rules, too. Goodbye."));
        assertThat(s.open()).isFalse();
    }

    @Test
    void overlongCommandShouldBeCutAtTheLineLimit() {
        SessionHarness s = session();
        assertThat(s.cmd("NOOP " + "x".repeat(3000))).isEqualTo(line("250 2.0.0 Ok"));
        s.cmd("EHLO c");
        assertThat(s.cmd("MAIL FROM:<" + "x".repeat(3000) + "@example.org>"))
                .isEqualTo(line("501 5.1.7 Bad sender address syntax"));
        assertThat(s.cmd("NOOP")).isEqualTo(line("250 2.0.0 Ok"));
    }
}
