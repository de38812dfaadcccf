// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterStage;
import org.postern.api.milter.Modification;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.smtpd.restrict.CapturedLog;

/**
 * smtpd with smtpd_milters: each stage's event after the restrictions, the filters' replies as
 * the session's answers, the end-of-message modifications on the queued message, and
 * milter_default_action when no milter client is installed (never skipped silently).
 */
class SmtpdMiltersTest {

    private static final String MESSAGE = "From: a@example.org\r\nSubject:  two spaces\r\nX-Folded: one\r\n"
            + "\ttwo\r\n\r\nbody line\r\n.\r\n";

    private static SessionHarness session(ScriptedMilterService milter, String... lines) {
        String[] all = new String[lines.length + 1];
        all[0] = "smtpd_milters = inet:127.0.0.1:3601";
        System.arraycopy(lines, 0, all, 1, lines.length);
        return new SessionHarness(TestConfigs.config(all), () -> milter);
    }

    private static void envelope(SessionHarness s) {
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<alice@example.org> BODY=8BITMIME")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<bob@example.test>")).startsWith("250");
    }

    @Test
    void withoutMilterClientTempfailShouldRefuseMailWith451AndWarnOncePerSession() {
        String[] replies = new String[2];
        String log = CapturedLog.during(() -> {
            SessionHarness s = session(null);
            s.cmd("EHLO client.example");
            replies[0] = s.cmd("MAIL FROM:<alice@example.org>");
            replies[1] = s.cmd("MAIL FROM:<alice@example.org>");
            s.channel.close();
            s.settle();
        });
        assertThat(replies[0]).isEqualTo("451 4.7.1 Service unavailable - try again later\r\n");
        assertThat(replies[1]).isEqualTo(replies[0]);
        assertThat(log).containsOnlyOnce("no milter client is installed")
                .contains("milter_default_action = tempfail")
                .contains("NOQUEUE: milter-reject: MAIL from unknown[unknown]: 451 4.7.1 Service unavailable");
    }

    @Test
    void withoutMilterClientAcceptShouldQueueTheMessageAndStillWarn() {
        String log = CapturedLog.during(() -> {
            SessionHarness s = session(null, "milter_default_action = accept");
            envelope(s);
            s.cmd("DATA");
            assertThat(s.send(MESSAGE)).startsWith("250 2.0.0 Ok: queued as");
            assertThat(s.queue.committed).hasSize(1);
        });
        assertThat(log).contains("no milter client is installed").contains("milter_default_action = accept");
    }

    @Test
    void withoutMilterClientRejectAndQuarantineShouldApply() {
        assertThat(session(null, "milter_default_action = reject").cmd("MAIL FROM:<a@example.org>"))
                .isEqualTo("550 5.5.0 Service unavailable\r\n");   // Postfix's milter8 text
        SessionHarness s = session(null, "milter_default_action = quarantine");
        envelope(s);
        s.cmd("DATA");
        assertThat(s.send(MESSAGE)).startsWith("250 ");
        assertThat(s.queue.committed.get(0).envelope().actions().hold()).contains("milter triggers HOLD action");
    }

    @Test
    void eventsShouldArriveInOrderWithTheirMacros() {
        ScriptedMilterService milter = new ScriptedMilterService();
        SessionHarness s = session(milter);
        envelope(s);
        s.cmd("DATA");
        assertThat(s.send(MESSAGE)).startsWith("250 2.0.0 Ok: queued as 4Xtest0001");
        assertThat(milter.events).containsExactly("connect unknown unknown", "helo client.example",
                "mail alice@example.org [BODY=8BITMIME]", "rcpt bob@example.test", "data", "message");
        assertThat(milter.macros.get(MilterStage.CONNECT)).containsEntry("j", "mx.example.test")
                .containsEntry("{daemon_name}", "mx.example.test").containsEntry("v", "Postern " + org.postern.core
                        .config.ParameterTable.standard().find("mail_version").orElseThrow().defaultValue());
        assertThat(milter.macros.get(MilterStage.END_OF_DATA)).containsEntry("i", "4Xtest0001")
                .containsEntry("{mail_addr}", "alice@example.org");
        assertThat(milter.macros.get(MilterStage.RCPT)).containsEntry("{rcpt_addr}", "bob@example.test");
    }

    @Test
    void headersShouldReachTheMilterByteForByteWithLeadingSpaceAndFolding() {
        ScriptedMilterService milter = new ScriptedMilterService();
        SessionHarness s = session(milter);
        envelope(s);
        s.cmd("DATA");
        s.send(MESSAGE);
        assertThat(milter.headers).containsExactly(HeaderField.of("From", " a@example.org"),
                HeaderField.of("Subject", "  two spaces"), HeaderField.of("X-Folded", " one\n\ttwo"));
        assertThat(new String(milter.body, StandardCharsets.US_ASCII)).isEqualTo("body line\r\n");
        assertThat(s.queue.committed.get(0).text()).isEqualTo(MESSAGE.substring(0, MESSAGE.length() - 3));
    }

    @Test
    void rcptRejectShouldRefuseThatRecipientAndLogMilterReject() {
        ScriptedMilterService milter = new ScriptedMilterService()
                .reply(MilterStage.RCPT, new MilterReply.Refuse(550, "5.7.1", List.of("Command rejected")));
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> {
            SessionHarness s = session(milter);
            s.cmd("EHLO client.example");
            s.cmd("MAIL FROM:<alice@example.org>");
            reply[0] = s.cmd("RCPT TO:<bob@example.test>");
        });
        assertThat(reply[0]).isEqualTo("550 5.7.1 Command rejected\r\n");
        assertThat(log).contains("NOQUEUE: milter-reject: RCPT from unknown[unknown]: 550 5.7.1 Command rejected;"
                + " from=<alice@example.org> to=<bob@example.test> proto=ESMTP helo=<client.example>");
    }

    @Test
    void endOfMessageRejectShouldLogWithQueueIdAndQueueNothing() {
        ScriptedMilterService milter = new ScriptedMilterService();
        milter.endOfMessage = EndOfMessage.of(new MilterReply.Refuse(554, "5.7.1", List.of("Spam", "go away")));
        String[] reply = new String[1];
        SessionHarness s = session(milter);
        String log = CapturedLog.during(() -> {
            envelope(s);
            s.cmd("DATA");
            reply[0] = s.send(MESSAGE);
        });
        assertThat(reply[0]).isEqualTo("554-5.7.1 Spam\r\n554 5.7.1 go away\r\n");
        assertThat(log).contains("4Xtest0001: milter-reject: END-OF-MESSAGE from unknown[unknown]: 5.7.1 Spam;"
                + " from=<alice@example.org> to=<bob@example.test> proto=ESMTP helo=<client.example>");
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.queue.discarded.get()).isEqualTo(1);
        assertThat(s.cmd("MAIL FROM:<alice@example.org>")).startsWith("250");
        assertThat(milter.events).doesNotContain("abort"); // the message was the transaction's end
    }

    @Test
    void modificationsShouldBeAppliedBeforeTheMessageIsQueued() {
        ScriptedMilterService milter = new ScriptedMilterService();
        milter.endOfMessage = new EndOfMessage(MilterReply.CONTINUE, List.of(
                new Modification.InsertHeader(0, HeaderField.of("DKIM-Signature", " v=1; a=rsa-sha256;\n\tb=xyz")),
                new Modification.AddHeader(HeaderField.of("X-Spam", " no")),
                new Modification.ChangeHeader(1, HeaderField.of("Subject", " changed")),
                new Modification.ChangeHeader(1, HeaderField.of("X-Folded", "")),
                new Modification.ChangeSender("<bounce@example.org>", List.of("RET=HDRS")),
                new Modification.AddRecipient("<carol@example.test>", List.of("NOTIFY=NEVER")),
                new Modification.DeleteRecipient("<bob@example.test>"),
                new Modification.ReplaceBody("new body\r\n".getBytes(StandardCharsets.US_ASCII))),
                Optional.of("suspicious"));
        SessionHarness s = session(milter);
        String log = CapturedLog.during(() -> {
            envelope(s);
            s.cmd("DATA");
            assertThat(s.send(MESSAGE)).startsWith("250 ");
        });
        InMemoryQueueStore.Stored stored = s.queue.committed.get(0);
        assertThat(stored.text()).isEqualTo("DKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=xyz\r\nFrom: a@example.org\r\n"
                + "Subject: changed\r\nX-Spam: no\r\n\r\nnew body\r\n");
        assertThat(stored.envelope().sender()).isEqualTo("bounce@example.org");
        assertThat(stored.envelope().dsn().ret().toString()).isEqualTo("HDRS");
        assertThat(stored.envelope().recipients()).extracting(EnvelopeRecipient::address)
                .containsExactly("carol@example.test");
        assertThat(stored.envelope().actions().hold()).contains("suspicious");
        assertThat(log).contains("4Xtest0001: milter-hold: END-OF-MESSAGE from unknown[unknown]: suspicious;");
    }

    @Test
    void discardAtEndOfMessageShouldAnswer250AndQueueNothing() {
        ScriptedMilterService milter = new ScriptedMilterService();
        milter.endOfMessage = EndOfMessage.of(MilterReply.DISCARD);
        SessionHarness s = session(milter);
        String log = CapturedLog.during(() -> {
            envelope(s);
            s.cmd("DATA");
            assertThat(s.send(MESSAGE)).startsWith("250 2.0.0 Ok: queued as");
        });
        assertThat(log).contains("4Xtest0001: milter-discard: END-OF-MESSAGE from unknown[unknown]: "
                + "milter triggers DISCARD action;");
        assertThat(s.queue.committed.get(0).envelope().actions().discard()).isPresent();
    }

    @Test
    void connectTempfailShouldGreetAndRefuseEveryMail() {
        ScriptedMilterService milter = new ScriptedMilterService().reply(MilterStage.CONNECT,
                new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
        SessionHarness s = session(milter);
        assertThat(s.greeting).startsWith("220 ");
        s.cmd("EHLO client.example");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("451 4.7.1 Service unavailable - try again later\r\n");
        assertThat(milter.events).containsExactly("connect unknown unknown");
    }

    @Test
    void connectRejectShouldGreetWith554AndRefuseEveryMailAsPostfixDoes() {
        ScriptedMilterService milter = new ScriptedMilterService().reply(MilterStage.CONNECT,
                new MilterReply.Refuse(554, "5.7.1", List.of("go away at connect")));
        SessionHarness s = session(milter);
        assertThat(s.greeting).isEqualTo("554 mx.example.test ESMTP not accepting connections\r\n");
        assertThat(s.cmd("EHLO client.example")).isEqualTo("250-mx.example.test\r\n250 ENHANCEDSTATUSCODES\r\n");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("554 5.7.1 go away at connect\r\n");
        assertThat(s.cmd("RCPT TO:<b@example.org>")).startsWith("503 5.5.1");
        assertThat(s.cmd("HELO again")).startsWith("250 mx.example.test");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).isEqualTo("554 5.7.1 go away at connect\r\n");
        assertThat(milter.events).containsExactly("connect unknown unknown");
    }

    @Test
    void rsetShouldAbortTheFiltersTransactionBeforeTheNextEvent() {
        ScriptedMilterService milter = new ScriptedMilterService();
        SessionHarness s = session(milter);
        envelope(s);
        s.cmd("RSET");
        s.cmd("MAIL FROM:<alice@example.org>");
        assertThat(milter.events).containsSubsequence("rcpt bob@example.test", "abort", "mail alice@example.org []");
    }

    @Test
    void vrfyShouldNotBeAFilterEvent() {
        ScriptedMilterService milter = new ScriptedMilterService();
        SessionHarness s = session(milter);
        s.cmd("EHLO client.example");
        s.cmd("VRFY bob@example.test");
        assertThat(milter.events).containsExactly("connect unknown unknown", "helo client.example");
    }

    @Test
    void anUnknownCommandShouldGoToTheFiltersAndTheirRefusalAnswerIt() {
        ScriptedMilterService milter = new ScriptedMilterService().reply(MilterStage.UNKNOWN,
                new MilterReply.Refuse(554, "5.7.1", List.of("no such command here")));
        SessionHarness s = session(milter);
        s.cmd("EHLO client.example");
        assertThat(s.cmd("FOO bar")).isEqualTo("554 5.7.1 no such command here\r\n");
        assertThat(milter.events).contains("unknown FOO bar");
        milter.replies.remove(MilterStage.UNKNOWN);
        assertThat(s.cmd("FOO bar")).startsWith("500 5.5.2 Error: command not recognized");
    }
}
