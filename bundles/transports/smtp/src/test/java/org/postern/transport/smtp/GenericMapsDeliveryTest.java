// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.MapDictRegistry;

/** smtp_generic_maps / lmtp_generic_maps as the receiving server sees them. */
class GenericMapsDeliveryTest {

    private final MapDictRegistry tables = new MapDictRegistry()
            .put("test:generic", "joe@local.lan", "joe.public@example.net")
            .put("test:generic", "ann@local.lan", "ann.public@example.net")
            .put("test:generic", "@local.lan", "nobody@example.net")
            .put("test:generic", "u@example.com", "u.mapped@example.com");
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(null, tables);
    private LmtpDeliveryAgent lmtp;
    private ScriptedSmtpServer server;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (lmtp != null) {
            lmtp.deactivate();
        }
        if (server != null) {
            server.close();
        }
    }

    private Requests request() throws IOException {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script().without("DSN"));
        return Requests.to("[127.0.0.1]:" + server.port()).set("smtp_generic_maps", "test:generic");
    }

    private RecipientResult deliverOne(Requests r) {
        List<RecipientResult> results = agent.deliver(r.build()).results();
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    /** The message as sent, without dot-stuffing (the server keeps it, without the final dot). */
    private String received() {
        return server.lastMessage().replace("\r\n..", "\r\n.");
    }

    @Test
    void envelopeSenderAndRecipientShouldBeMappedInMailFromAndRcptTo() throws IOException {
        Requests r = request().recipients("u@example.com").content("Subject: x\r\n\r\nbody\r\n");
        r.sender = "joe@local.lan";
        RecipientResult result = deliverOne(r);
        assertThat(result.outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(result.recipient().address()).isEqualTo("u@example.com");     // reported as queued
        assertThat(server.commands).anyMatch(c -> c.startsWith("MAIL FROM:<joe.public@example.net>"))
                .contains("RCPT TO:<u.mapped@example.com>");
    }

    @Test
    void headerAddressesShouldBeMappedKeepingDisplayNamesAndComments() throws IOException {
        Requests r = request();
        r.sender = "joe@local.lan";
        r.content("From: \"Joe Public (home)\" <joe@local.lan>\r\n"
                + "To: Ann <ann@local.lan> (desk), other@elsewhere.org\r\n"
                + "Cc: =?UTF-8?Q?J=C3=B6rg?= <joe@local.lan>\r\n"
                + "Reply-To: joe@local.lan (Joe)\r\n"
                + "Subject: joe@local.lan stays\r\n"
                + "Message-ID: <1@local.lan>\r\n\r\n"
                + "joe@local.lan in the body stays\r\n");
        deliverOne(r);
        assertThat(received()).isEqualTo("From: \"Joe Public (home)\" <joe.public@example.net>\r\n"
                + "To: Ann <ann.public@example.net> (desk), other@elsewhere.org\r\n"
                + "Cc: =?UTF-8?Q?J=C3=B6rg?= <joe.public@example.net>\r\n"
                + "Reply-To: joe.public@example.net (Joe)\r\n"
                + "Subject: joe@local.lan stays\r\n"
                + "Message-ID: <1@local.lan>\r\n\r\n"
                + "joe@local.lan in the body stays\r\n");
        assertThat(server.commands).anyMatch(c -> c.startsWith("MAIL FROM:<joe.public@example.net> SIZE="
                + received().length()));
    }

    @Test
    void foldedToHeaderWithSeveralAddressesShouldBeRewrittenKeepingItsFolding() throws IOException {
        Requests r = request();
        r.content("To: Joe <joe@local.lan>,\r\n"
                + "\tother@elsewhere.org,\r\n"
                + "    \"Ann A.\"\r\n"
                + "  <ann@local.lan>, team: ann@local.lan, x@elsewhere.org;\r\n"
                + "Subject: s\r\n\r\nb\r\n");
        deliverOne(r);
        assertThat(received()).isEqualTo("To: Joe <joe.public@example.net>,\r\n"
                + "\tother@elsewhere.org,\r\n"
                + "    \"Ann A.\"\r\n"
                + "  <ann.public@example.net>, team: ann.public@example.net, x@elsewhere.org;\r\n"
                + "Subject: s\r\n\r\nb\r\n");
    }

    @Test
    void userAtDomainShouldWinOverAtDomainAndAtDomainShouldCatchTheRest() throws IOException {
        Requests r = request().recipients("joe@local.lan", "zed@local.lan");
        r.content("From: zed@local.lan\r\nTo: joe@local.lan\r\n\r\nb\r\n");
        assertThat(agent.deliver(r.build()).results()).extracting(RecipientResult::outcome)
                .containsOnly(Outcome.RELAYED);
        assertThat(server.commands).contains("RCPT TO:<joe.public@example.net>", "RCPT TO:<nobody@example.net>");
        assertThat(received()).startsWith("From: nobody@example.net\r\nTo: joe.public@example.net\r\n");
    }

    @Test
    void atDomainResultShouldKeepTheUserAndBareUserResultShouldGetMyorigin() throws IOException {
        tables.put("test:generic", "@old.lan", "@new.example").put("test:generic", "root@old.lan", "admin");
        Requests r = request().recipients("bob@old.lan", "root@old.lan").set("myorigin", "origin.example");
        agent.deliver(r.build());
        assertThat(server.commands).contains("RCPT TO:<bob@new.example>", "RCPT TO:<admin@origin.example>");
    }

    @Test
    void extensionShouldBeDroppedUnlessPropagateUnmatchedExtensionsListsGeneric() throws IOException {
        Requests r = request().set("recipient_delimiter", "+").recipients("joe+news@local.lan");
        deliverOne(r);
        assertThat(server.commands).contains("RCPT TO:<joe.public@example.net>");

        Requests again = Requests.to("[127.0.0.1]:" + server.port()).set("smtp_generic_maps", "test:generic")
                .set("recipient_delimiter", "+").set("propagate_unmatched_extensions", "canonical, generic")
                .recipients("joe+news@local.lan");
        deliverOne(again);
        assertThat(server.commands).contains("RCPT TO:<joe.public+news@example.net>");
    }

    @Test
    void bareUserKeyShouldApplyOnlyToLocalDomains() throws IOException {
        tables.put("test:generic", "kim", "kim.public@example.net");
        Requests r = request().set("mydestination", "host.local.test, localhost")
                .recipients("kim@host.local.test", "kim@remote.test");
        agent.deliver(r.build());
        assertThat(server.commands).contains("RCPT TO:<kim.public@example.net>", "RCPT TO:<kim@remote.test>");
    }

    @Test
    void messageShouldGoByteForByteWhenNoGenericMapsAreSet() throws IOException {
        String message = "From: \"Joe\" <joe@local.lan>\r\nTo: ann@local.lan,\r\n\tjoe@local.lan\r\n\r\nbody\r\n";
        Requests r = request().set("smtp_generic_maps", "").recipients("joe@local.lan");
        r.sender = "ann@local.lan";
        deliverOne(r.content(message));
        assertThat(received().getBytes(StandardCharsets.UTF_8)).isEqualTo(message.getBytes(StandardCharsets.UTF_8));
        assertThat(server.commands).contains("MAIL FROM:<ann@local.lan> SIZE=" + message.length(), "RCPT TO:<joe@local.lan>");
        assertThat(tables.lookups()).isZero();
    }

    @Test
    void failingTableShouldDeferEveryRecipientWithoutSendingAnything() throws IOException {
        Requests r = request().set("smtp_generic_maps", "test:generic, down:generic")
                .recipients("u@example.com", "stranger@example.org");
        r.sender = "stranger@example.org";             // not in test:generic, so down: is asked
        List<RecipientResult> results = agent.deliver(r.build()).results();
        assertThat(results).extracting(RecipientResult::outcome).containsOnly(Outcome.DEFERRED);
        assertThat(results).extracting(RecipientResult::dsnStatus).containsOnly("4.3.0");
        assertThat(results.get(0).diagnostic()).isEqualTo("table lookup failure");
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void failingTableForAHeaderAddressShouldDeferToo() throws IOException {
        tables.put("test:generic", "a@example.org", "a@example.org");
        Requests r = request().set("smtp_generic_maps", "test:generic, down:generic").recipients("u@example.com");
        r.content("From: a@example.org\r\nCc: someone@elsewhere.org\r\n\r\nb\r\n");
        RecipientResult result = deliverOne(r);
        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.3.0");
        assertThat(server.connections).hasValue(0);
    }

    @Test
    void missingTableRegistryShouldDefer() throws IOException {
        SmtpDeliveryAgent without = new SmtpDeliveryAgent(null, null);
        try {
            RecipientResult r = without.deliver(request().build()).results().get(0);
            assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
            assertThat(r.dsnStatus()).isEqualTo("4.3.0");
        } finally {
            without.deactivate();
        }
    }

    @Test
    void headersOfMimePartsAndAttachedMessagesShouldStayAsTheyAre() throws IOException {
        String body = "--b\r\nContent-Type: text/plain\r\nFrom: joe@local.lan\r\n\r\npart\r\n"
                + "--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: joe@local.lan\r\nTo: ann@local.lan\r\n\r\ninner\r\n"
                + "--b--\r\n";
        Requests r = request();
        r.content("From: joe@local.lan\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + body);
        deliverOne(r);
        assertThat(received()).isEqualTo("From: joe.public@example.net\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" + body);
    }

    @Test
    void lmtpShouldUseLmtpGenericMaps() throws IOException {
        lmtp = new LmtpDeliveryAgent(null, tables);
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script().lmtp().without("DSN"));
        Requests r = Requests.to("inet:127.0.0.1:" + server.port()).set("smtp_generic_maps", "")
                .set("lmtp_generic_maps", "test:generic").recipients("joe@local.lan");
        r.content("To: joe@local.lan\r\n\r\nb\r\n");
        assertThat(lmtp.deliver(r.build()).results().get(0).outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(server.commands).contains("RCPT TO:<joe.public@example.net>");
        assertThat(received()).startsWith("To: joe.public@example.net\r\n");
    }
}
