// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.DsnRequest;

class SmtpDeliveryAgentTest {

    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(null);
    private ScriptedSmtpServer server;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private ScriptedSmtpServer start(ScriptedSmtpServer.Script script) throws IOException {
        server = ScriptedSmtpServer.tcp(script);
        return server;
    }

    private Requests request() {
        return Requests.to("[127.0.0.1]:" + server.port());
    }

    private String host() {
        return "127.0.0.1[127.0.0.1]";
    }

    private RecipientResult deliverOne(Requests r) {
        DeliveryResult result = agent.deliver(r.build());
        assertThat(result.results()).hasSize(1);
        return result.results().get(0);
    }

    @Test
    void deliverShouldRelayDotStuffedMessageWhenServerWithoutDsnAccepts() throws IOException {
        start(new ScriptedSmtpServer.Script().without("DSN"));
        RecipientResult r = deliverOne(request());
        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(r.dsnStatus()).isEqualTo("2.0.0");
        assertThat(r.diagnostic()).isEqualTo("250 2.0.0 Ok: queued as 4TEST");
        assertThat(r.relay()).isEqualTo(host() + ":" + server.port());
        assertThat(server.lastMessage()).isEqualTo(Requests.MESSAGE.replace("\r\n.hidden", "\r\n..hidden"));
        assertThat(server.commands.get(0)).isEqualTo("EHLO client.example.org");
        assertThat(server.commands).contains("MAIL FROM:<a@example.org> SIZE=" + Requests.MESSAGE.length());
    }

    @Test
    void deliverShouldHandOffAndPassDsnParametersWhenServerOffersDsn() throws IOException {
        start(new ScriptedSmtpServer.Script());
        Recipient rcpt = new Recipient("u@example.com", "rfc822;u+x=y@example.com", Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE));
        RecipientResult r = deliverOne(request().recipients(List.of(rcpt)).dsn("id 1", DsnRequest.Return.HDRS));
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).contains("MAIL FROM:<a@example.org> SIZE=" + Requests.MESSAGE.length() + " RET=HDRS ENVID=id+201",
                "RCPT TO:<u@example.com> NOTIFY=FAILURE,SUCCESS ORCPT=rfc822;u+2Bx+3Dy@example.com");
    }

    @Test
    void deliverShouldSendNullSenderAsEmptyPath() throws IOException {
        start(new ScriptedSmtpServer.Script().without("SIZE"));
        Requests req = request();
        req.sender = "";
        assertThat(deliverOne(req).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).contains("MAIL FROM:<>");
    }

    @Test
    void rcptRejectionShouldBounceThatRecipientWithPostfixWordingAndDeliverTheOthers() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.rcptReply = a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: Recipient address rejected" : "250 2.1.5 Ok";
        start(script);
        DeliveryResult result = agent.deliver(request().recipients("bad@example.com", "good@example.com").build());
        assertThat(result.results()).extracting(RecipientResult::outcome).containsExactly(Outcome.BOUNCED, Outcome.HANDED_OFF);
        RecipientResult bad = result.results().get(0);
        assertThat(bad.dsnStatus()).isEqualTo("5.1.1");
        assertThat(bad.diagnostic()).isEqualTo("host " + host()
                + " said: 550 5.1.1 <bad@example.com>: Recipient address rejected (in reply to RCPT TO command)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GREETING, 450 4.3.2 busy, DEFERRED, 4.3.2, refused to talk to me: 450 4.3.2 busy",
        "GREETING, 554 5.3.2 go away, DEFERRED, 4.3.2, refused to talk to me: 554 5.3.2 go away",
        "EHLO, 450 4.7.1 later, DEFERRED, 4.7.1, said: 450 4.7.1 later (in reply to EHLO command)",
        "MAIL, 451 4.3.0 later, DEFERRED, 4.3.0, said: 451 4.3.0 later (in reply to MAIL FROM command)",
        "MAIL, 553 5.7.1 sender rejected, BOUNCED, 5.7.1, said: 553 5.7.1 sender rejected (in reply to MAIL FROM command)",
        "RCPT, 450 4.2.0 greylisted, DEFERRED, 4.2.0, said: 450 4.2.0 greylisted (in reply to RCPT TO command)",
        "DATA, 451 4.3.0 no, DEFERRED, 4.3.0, said: 451 4.3.0 no (in reply to DATA command)",
        "DATA, 554 5.5.1 no, BOUNCED, 5.5.1, said: 554 5.5.1 no (in reply to DATA command)",
        "DOT, 452 4.3.1 full, DEFERRED, 4.3.1, said: 452 4.3.1 full (in reply to end of DATA command)",
        "DOT, 554 5.7.1 spam, BOUNCED, 5.7.1, said: 554 5.7.1 spam (in reply to end of DATA command)",
        "DOT, 550 no enhanced code, BOUNCED, 5.0.0, said: 550 no enhanced code (in reply to end of DATA command)",
    })
    void replyInEachStateShouldDecideOutcome(String verb, String reply, Outcome outcome, String dsn, String text)
            throws IOException {
        start(new ScriptedSmtpServer.Script().reply(verb, reply));
        for (boolean pipelining : new boolean[] {true, false}) {
            if (!pipelining) {
                server.close();
                start(new ScriptedSmtpServer.Script().reply(verb, reply).without("PIPELINING"));
            }
            RecipientResult r = deliverOne(request());
            assertThat(r.outcome()).as("pipelining=" + pipelining).isEqualTo(outcome);
            assertThat(r.dsnStatus()).isEqualTo(dsn);
            assertThat(r.diagnostic()).isEqualTo("host " + host() + " " + text);
        }
    }

    @ParameterizedTest
    @CsvSource({"GREETING", "EHLO", "MAIL", "RCPT", "DATA", "DOT"})
    void closingReplyInAnyStateShouldDeferEveryRecipientAndNotReuseTheConnection(String verb) throws IOException {
        for (boolean pipelining : new boolean[] {true, false}) {
            ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().reply(verb, "421 4.3.2 Service shutting down");
            if (!pipelining) {
                script.without("PIPELINING");
            }
            start(script);
            DeliveryResult result = agent.deliver(request().recipients("x@example.com", "y@example.com").build());
            assertThat(result.results()).as("pipelining=" + pipelining)
                    .allSatisfy(r -> {
                        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
                        assertThat(r.dsnStatus()).isEqualTo("4.3.2");
                        assertThat(r.diagnostic()).contains("421 4.3.2 Service shutting down");
                    });
            agent.deliver(request().build());
            assertThat(server.connections.get()).as("a 421 connection is never reused").isEqualTo(2);
            assertThat(server.verbs()).doesNotContain("RSET");
            server.close();
        }
    }

    @Test
    void commandsShouldBePipelinedWhenServerOffersPipelining() throws IOException {
        start(new ScriptedSmtpServer.Script());
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.pipelinedMail).isTrue();
    }

    @Test
    void commandsShouldWaitForEachReplyWhenServerLacksPipelining() throws IOException {
        start(new ScriptedSmtpServer.Script().without("PIPELINING"));
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.pipelinedMail).isFalse();
        assertThat(server.verbs()).containsExactly("EHLO", "MAIL", "RCPT", "DATA", ".");
    }

    @Test
    void noDataShouldBeSentWhenEveryRecipientIsRejectedWithoutPipelining() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().without("PIPELINING").reply("RCPT", "550 5.1.1 no");
        start(script);
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(server.verbs()).containsExactly("EHLO", "MAIL", "RCPT");
    }

    @Test
    void pipelinedDataShouldBeEndedEmptyWhenEveryRecipientIsRejected() throws IOException {
        start(new ScriptedSmtpServer.Script().reply("RCPT", "550 5.1.1 no"));
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(server.messages).hasSize(1);
        assertThat(server.messages.get(0)).isEmpty();
    }

    @Test
    void messageLargerThanServerSizeShouldBounceBeforeMailFrom() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().without("SIZE");
        script.extensions.add("SIZE 20");
        start(script);
        RecipientResult r = deliverOne(request());
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.3.4");
        assertThat(r.diagnostic()).isEqualTo("message size " + Requests.MESSAGE.length()
                + " exceeds size limit 20 of server " + host());
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void eightBitMessageShouldGoWithBody8bitmimeWhenOffered() throws IOException {
        start(new ScriptedSmtpServer.Script());
        String message = "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGrüße\r\n";
        assertThat(deliverOne(request().content(message)).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands.stream().filter(c -> c.startsWith("MAIL")).findFirst().orElseThrow()).endsWith(" BODY=8BITMIME");
        assertThat(server.lastMessage()).isEqualTo(message);
    }

    @Test
    void eightBitMessageShouldBeDowngradedToQuotedPrintableWhenServerLacks8bitmime() throws IOException {
        start(new ScriptedSmtpServer.Script().without("8BITMIME"));
        String message = "Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln\r\n.line with dot\r\n";
        assertThat(deliverOne(request().content(message)).outcome()).isEqualTo(Outcome.HANDED_OFF);
        String received = server.lastMessage();
        assertThat(server.commands.stream().filter(c -> c.startsWith("MAIL")).findFirst().orElseThrow()).doesNotContain("BODY=");
        assertThat(received.chars()).allMatch(c -> c < 0x80);
        assertThat(received).contains("Content-Transfer-Encoding: quoted-printable\r\n").doesNotContain("8bit");
        String body = received.substring(received.indexOf("\r\n\r\n") + 4).replace("\r\n..", "\r\n.");
        assertThat(new String(new QuotedPrintableInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)))
                .readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Grüße aus Köln\r\n.line with dot\r\n");
    }

    @Test
    void eightBitMessageShouldBeSentAsItIsWhenMimeOutputConversionIsDisabled() throws IOException {
        start(new ScriptedSmtpServer.Script().without("8BITMIME"));
        String message = "Subject: x\r\n\r\nGrüße\r\n";
        assertThat(deliverOne(request().content(message).set("disable_mime_output_conversion", "yes")).outcome())
                .isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.lastMessage()).isEqualTo(message);
    }

    @Test
    void utf8AddressShouldBounceWhenServerLacksSmtputf8() throws IOException {
        start(new ScriptedSmtpServer.Script().without("SMTPUTF8"));
        RecipientResult r = deliverOne(request().recipients("jörg@example.com").smtputf8());
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.6.7");
        assertThat(r.diagnostic()).isEqualTo("SMTPUTF8 is required, but was not offered by host " + host());
    }

    @Test
    void utf8AddressShouldGoWithSmtputf8WhenOffered() throws IOException {
        start(new ScriptedSmtpServer.Script());
        assertThat(deliverOne(request().recipients("jörg@example.com").smtputf8()).outcome())
                .isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.commands).anyMatch(c -> c.startsWith("MAIL") && c.endsWith(" SMTPUTF8"));
        assertThat(server.commands).contains("RCPT TO:<jörg@example.com>");
    }

    @Test
    void asciiMessageShouldNotNeedSmtputf8EvenWhenSenderAskedForIt() throws IOException {
        start(new ScriptedSmtpServer.Script().without("SMTPUTF8"));
        assertThat(deliverOne(request().smtputf8()).outcome()).isEqualTo(Outcome.HANDED_OFF);
    }

    @Test
    void ehloRejectionShouldFallBackToHelo() throws IOException {
        start(new ScriptedSmtpServer.Script().reply("EHLO", "502 5.5.2 what"));
        RecipientResult r = deliverOne(request());
        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(server.verbs()).containsExactly("EHLO", "HELO", "MAIL", "RCPT", "DATA", ".");
        assertThat(server.commands).contains("MAIL FROM:<a@example.org>");
    }

    @Test
    void heloRejectionShouldBounce() throws IOException {
        start(new ScriptedSmtpServer.Script().reply("EHLO", "502 5.5.2 what").reply("HELO", "550 5.7.1 not you"));
        RecipientResult r = deliverOne(request());
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.diagnostic()).isEqualTo("host " + host() + " said: 550 5.7.1 not you (in reply to HELO command)");
    }

    @Test
    void multilineReplyShouldBeJoinedInDiagnostic() throws IOException {
        start(new ScriptedSmtpServer.Script().reply("RCPT", "550-5.1.1 The account does not exist.\r\n550 5.1.1 See the FAQ."));
        assertThat(deliverOne(request()).diagnostic()).isEqualTo("host " + host()
                + " said: 550-5.1.1 The account does not exist. 550 5.1.1 See the FAQ. (in reply to RCPT TO command)");
    }

    @Test
    void connectionRefusedShouldDeferWithConnectDiagnostic() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RecipientResult r = deliverOne(Requests.to("[127.0.0.1]:" + port));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.4.1");
        assertThat(r.diagnostic()).isEqualTo("connect to 127.0.0.1[127.0.0.1]:" + port + ": Connection refused");
    }

    @Test
    void silentServerShouldDeferWithTimeoutDiagnostic() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.silentAfter = "MAIL";
        start(script);
        RecipientResult r = deliverOne(request().set("smtp_mail_timeout", "1s"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.4.2");
        assertThat(r.diagnostic()).isEqualTo("conversation with " + host() + " timed out while sending MAIL FROM");
    }

    @Test
    void silenceAfterTheFinalDotShouldWarnThatTheMessageMayBeSentTwice() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.silentAfter = ".";
        start(script);
        RecipientResult r = deliverOne(request().set("smtp_data_done_timeout", "1s"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).isEqualTo("conversation with " + host()
                + " timed out while sending end of data -- message may be sent more than once");
    }

    @Test
    void deactivateShouldLetARunningDeliveryFinishThenDeferNewOnes() throws Exception {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.silentAfter = "MAIL";
        start(script);
        java.util.concurrent.CompletableFuture<RecipientResult> running = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> deliverOne(request().set("smtp_mail_timeout", "2s")));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!server.verbs().contains("MAIL") && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.verbs()).contains("MAIL");
        long started = System.nanoTime();
        agent.deactivate();   // bundle:update: must wait for the delivery, not pull its watchdog away
        // the future completes a moment after the delivery returns: time the wait instead of racing it
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                .as("deactivate waited for the delivery's 2 s MAIL timeout").isGreaterThan(java.time.Duration.ofMillis(1000));
        RecipientResult r = running.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.diagnostic()).isEqualTo("conversation with " + host() + " timed out while sending MAIL FROM");
        RecipientResult late = deliverOne(request());
        assertThat(late.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(late.diagnostic()).isEqualTo("smtp delivery agent is stopping");
    }

    @Test
    void silentGreetingShouldTimeOut() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.silentAfter = "GREETING";
        start(script);
        RecipientResult r = deliverOne(request().set("smtp_helo_timeout", "1s"));
        assertThat(r.diagnostic()).isEqualTo("conversation with " + host()
                + " timed out while receiving the initial server greeting");
    }

    @Test
    void secondRequestShouldReuseTheCachedConnectionAfterRset() throws IOException {
        start(new ScriptedSmtpServer.Script());
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(server.verbs()).containsExactly("EHLO", "MAIL", "RCPT", "DATA", ".", "RSET", "MAIL", "RCPT", "DATA", ".");
        assertThat(server.messages).hasSize(2);
    }

    @Test
    void deferralOnTheCachedConnectionShouldNotOpenAnotherToTheSameHost() throws IOException {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.rcptReply = a -> calls.incrementAndGet() == 1 ? "250 2.1.5 Ok" : "450 4.2.0 greylisted";
        start(script);
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void connectionShouldNotBeCachedWhenCachingIsOff() throws IOException {
        start(new ScriptedSmtpServer.Script());
        deliverOne(request().set("smtp_connection_cache_on_demand", "no"));
        deliverOne(request().set("smtp_connection_cache_on_demand", "no"));
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.verbs()).contains("QUIT").doesNotContain("RSET");
    }

    @Test
    void connectionShouldNotBeReusedBeyondTheReuseCountLimit() throws IOException {
        start(new ScriptedSmtpServer.Script());
        for (int i = 0; i < 3; i++) {
            deliverOne(request().set("smtp_connection_reuse_count_limit", "2"));
        }
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void brokenCachedConnectionShouldBeReplacedByANewOne() throws IOException {
        start(new ScriptedSmtpServer.Script().reply("RSET", "421 4.4.2 idle too long"));
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(deliverOne(request()).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.connections.get()).isEqualTo(2);
    }

    @Test
    void idleConnectionShouldBeClosedAfterTheCacheTimeLimit() throws Exception {
        start(new ScriptedSmtpServer.Script());
        deliverOne(request().set("smtp_connection_cache_time_limit", "100ms"));
        Thread.sleep(1000);
        deliverOne(request().set("smtp_connection_cache_time_limit", "100ms"));
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.verbs()).contains("QUIT");
    }

    @Test
    void badNexthopShouldDefer() {
        RecipientResult r = deliverOne(Requests.to("[127.0.0.1"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.relay()).isEqualTo("none");
    }
}
