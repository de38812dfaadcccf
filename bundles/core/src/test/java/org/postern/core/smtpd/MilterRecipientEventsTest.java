// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.testing.milter.ScriptedMilter.packet;
import static org.postern.testing.milter.ScriptedMilter.z;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.milter.MilterClient;
import org.postern.testing.milter.ScriptedMilter;

/**
 * What a milter hears of MAIL and RCPT through smtpd and the real milter client, on the wire:
 * the ESMTP parameters as the client gave them, and (only when the filter negotiated
 * SMFIP_RCPT_REJ) the recipients the restrictions refused, described as Postfix does with the
 * error mailer's macros; the filter's answer to those never changes smtpd's reply.
 */
class MilterRecipientEventsTest {

    private static final int SMFIP_RCPT_REJ = 0x800;
    private static final String REFUSED = "mallory@elsewhere.example";

    private final ScriptedMilter milter;

    MilterRecipientEventsTest() throws Exception {
        milter = new ScriptedMilter();
        // The filter refuses mallory itself: that must not become smtpd's reply.
        milter.on('R', p -> List.of(p.text().contains("mallory") ? packet('t') : packet('c')));
    }

    @AfterEach
    void close() throws Exception {
        milter.close();
    }

    /** A session with one refused and one accepted recipient; the RCPT replies. */
    private List<String> session() {
        SessionHarness s = new SessionHarness(TestConfigs.config("smtpd_milters = " + milter.endpoint(),
                "milter_rcpt_macros = {rcpt_mailer} {rcpt_host} {rcpt_addr}"), MilterClient::new);
        s.checks.rejectRecipient(REFUSED, 554, "5.7.1", "<" + REFUSED + ">: Relay access denied");
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<alice@example.org> BODY=8BITMIME SIZE=100")).startsWith("250");
        List<String> replies = List.of(s.cmd("RCPT TO:<" + REFUSED + "> NOTIFY=NEVER"),
                s.cmd("RCPT TO:<bob@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test"));
        s.cmd("QUIT");
        return replies;
    }

    /** The macros sent just before each SMFIC_RCPT (empty when none had a value). */
    private List<Map<String, String>> rcptMacros() {
        List<Map<String, String>> out = new java.util.ArrayList<>();
        List<ScriptedMilter.Packet> all = milter.received;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).command() == 'R') {
                ScriptedMilter.Packet before = all.get(i - 1);
                out.add(before.command() == 'D' && before.data()[0] == 'R' ? ScriptedMilter.macros(before) : Map.of());
            }
        }
        return out;
    }

    @Test
    void mailAndRcptShouldCarryTheirEsmtpParametersAsGiven() {
        session();
        assertThat(milter.all('M').get(0).data()).isEqualTo(z("<alice@example.org>", "BODY=8BITMIME", "SIZE=100"));
        assertThat(milter.all('R')).extracting(ScriptedMilter.Packet::data).containsExactly(
                z("<bob@example.test>", "NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;bob@example.test"));
    }

    @Test
    void aRefusedRecipientShouldReachAFilterThatNegotiatedRcptRejWithTheErrorMailerMacros() {
        milter.steps = SMFIP_RCPT_REJ;
        List<String> replies = session();
        assertThat(replies).containsExactly("554 5.7.1 <" + REFUSED + ">: Relay access denied\r\n",
                "250 2.1.5 Ok\r\n");
        assertThat(milter.all('R')).extracting(ScriptedMilter.Packet::data).containsExactly(
                z("<" + REFUSED + ">", "NOTIFY=NEVER"),
                z("<bob@example.test>", "NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;bob@example.test"));
        assertThat(rcptMacros()).containsExactly(
                Map.of("{rcpt_mailer}", "error", "{rcpt_host}", "5.7.1", "{rcpt_addr}", "Relay access denied"),
                // An accepted one as trivial-rewrite routes it (no relayhost here: the domain is the nexthop).
                Map.of("{rcpt_addr}", "bob@example.test", "{rcpt_mailer}", "smtp", "{rcpt_host}", "example.test"));
    }

    @Test
    void aRefusedRecipientShouldNotReachAFilterWithoutRcptRej() {
        List<String> replies = session();
        assertThat(replies).containsExactly("554 5.7.1 <" + REFUSED + ">: Relay access denied\r\n",
                "250 2.1.5 Ok\r\n");
        assertThat(milter.all('R')).extracting(ScriptedMilter.Packet::text)
                .noneMatch(t -> t.contains("mallory")).hasSize(1);
    }

    @Test
    void theRefusalShouldBeSplitAsPostfixDoes() {
        Map<String, String> before = Map.of("{rcpt_addr}", "x@example.test", "j", "mx");
        assertThat(SmtpdMilters.refusalMacros(before, new org.postern.core.smtp.SmtpReply(450, "4.1.1",
                "<x@example.test>: Recipient address rejected: unverified address")))
                .containsEntry("{rcpt_mailer}", "error").containsEntry("{rcpt_host}", "4.1.1")
                .containsEntry("{rcpt_addr}", "Recipient address rejected: unverified address")
                .containsEntry("j", "mx");
        // No text after the first word: Postfix has no {rcpt_addr} then.
        assertThat(SmtpdMilters.refusalMacros(before, new org.postern.core.smtp.SmtpReply(550, "5.7.1", "Denied")))
                .containsEntry("{rcpt_host}", "5.7.1").doesNotContainKey("{rcpt_addr}");
    }
}
