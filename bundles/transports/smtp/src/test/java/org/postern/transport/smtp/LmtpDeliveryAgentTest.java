// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

class LmtpDeliveryAgentTest {

    private final ZoneDnsResolver dns = new ZoneDnsResolver();
    private final LmtpDeliveryAgent agent = new LmtpDeliveryAgent(dns);
    private ScriptedSmtpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    /** Per recipient: "ok" delivered, "full" 452 after the content, "gone" 550 after the content, "bad" 550 at RCPT. */
    private static ScriptedSmtpServer.Script perRecipient() {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().lmtp().without("DSN");
        script.rcptReply = a -> a.startsWith("bad") ? "550 5.1.1 <" + a + ">: User unknown" : "250 2.1.5 Ok";
        script.lmtpDotReply = a -> a.startsWith("full") ? "452 4.2.2 <" + a + ">: Mailbox full"
                : a.startsWith("gone") ? "550 5.2.1 <" + a + ">: Mailbox disabled" : "250 2.0.0 <" + a + "> Saved";
        return script;
    }

    private List<RecipientResult> deliver(Requests r) {
        return agent.deliver(r.recipients("ok@example.com", "full@example.com", "gone@example.com", "bad@example.com")
                .build()).results();
    }

    private void assertPerRecipientResults(List<RecipientResult> results, String host, Outcome success) {
        assertThat(results).extracting(RecipientResult::outcome)
                .containsExactly(success, Outcome.DEFERRED, Outcome.BOUNCED, Outcome.BOUNCED);
        assertThat(results.get(0).diagnostic()).isEqualTo("250 2.0.0 <ok@example.com> Saved");
        assertThat(results.get(1).diagnostic()).isEqualTo("host " + host
                + " said: 452 4.2.2 <full@example.com>: Mailbox full (in reply to end of DATA command)");
        assertThat(results.get(2).dsnStatus()).isEqualTo("5.2.1");
        assertThat(results.get(3).diagnostic()).isEqualTo("host " + host
                + " said: 550 5.1.1 <bad@example.com>: User unknown (in reply to RCPT TO command)");
    }

    @Test
    void tcpServerShouldAnswerEachRecipientAfterTheContent() throws IOException {
        server = ScriptedSmtpServer.tcp(perRecipient());
        assertPerRecipientResults(deliver(Requests.to("inet:127.0.0.1:" + server.port())), "127.0.0.1[127.0.0.1]", Outcome.RELAYED);
        assertThat(server.verbs()).startsWith("LHLO");
        assertThat(server.lastMessage()).contains("..hidden dot");
    }

    @Test
    void unixSocketShouldWorkLikeTcp() throws IOException {
        Path socket = dir.resolve("lmtp.sock");
        server = ScriptedSmtpServer.unix(perRecipient(), socket);
        List<RecipientResult> results = deliver(Requests.to("unix:" + socket));
        assertPerRecipientResults(results, "client.example.org[" + socket + "]", Outcome.RELAYED);
        assertThat(results.get(0).relay()).isEqualTo("client.example.org[" + socket + "]");
    }

    @Test
    void assumeFinalShouldReportDelivered() throws IOException {
        server = ScriptedSmtpServer.tcp(perRecipient());
        assertPerRecipientResults(deliver(Requests.to("inet:[127.0.0.1]:" + server.port()).set("lmtp_assume_final", "yes")),
                "127.0.0.1[127.0.0.1]", Outcome.DELIVERED);
    }

    @Test
    void hostNexthopShouldUseAddressRecordsAndNeverMx() throws IOException {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script().lmtp());
        dns.mx("store.example", 10, "elsewhere.example").a("store.example", "127.0.0.1");
        RecipientResult r = agent.deliver(Requests.to("inet:store.example:" + server.port()).build()).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(r.relay()).isEqualTo("store.example[127.0.0.1]:" + server.port());
        assertThat(dns.queries).doesNotContain("store.example/MX");
    }

    @Test
    void closingReplyAfterTheContentShouldDeferTheRemainingRecipients() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().lmtp();
        script.lmtpDotReply = a -> a.startsWith("ok") ? "250 2.0.0 Saved" : "421 4.3.0 shutting down";
        server = ScriptedSmtpServer.tcp(script);
        List<RecipientResult> results = agent.deliver(Requests.to("inet:127.0.0.1:" + server.port())
                .recipients("ok@example.com", "next@example.com", "last@example.com").build()).results();
        assertThat(results).extracting(RecipientResult::outcome)
                .containsExactly(Outcome.HANDED_OFF, Outcome.DEFERRED, Outcome.DEFERRED);
        assertThat(results.get(2).diagnostic()).contains("421 4.3.0 shutting down");
    }

    @Test
    void missingSocketShouldDefer() {
        RecipientResult r = agent.deliver(Requests.to("unix:" + dir.resolve("absent.sock")).build()).results().get(0);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).startsWith("connect to client.example.org[" + dir.resolve("absent.sock") + "]: ");
    }

    @Test
    void smtpShouldNotAcceptUnixNexthops() {
        SmtpDeliveryAgent smtp = new SmtpDeliveryAgent(null);
        try {
            assertThat(smtp.deliver(Requests.to("unix:/tmp/x").build()).results().get(0).outcome()).isEqualTo(Outcome.DEFERRED);
        } finally {
            smtp.deactivate();
        }
    }
}
