// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.message.Envelope;
import org.postern.core.message.LogFacts;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.restrict.SmtpStage;

/** XCLIENT and XFORWARD as Postfix's XCLIENT_README and XFORWARD_README describe them. */
class XclientXforwardTest {

    private static final InetSocketAddress PROXY = new InetSocketAddress("10.0.0.5", 41000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("198.51.100.9", 41000);
    private static final String AUTHORIZED = "smtpd_authorized_xclient_hosts = 10.0.0.0/24";
    private static final String FORWARDERS = "smtpd_authorized_xforward_hosts = [10.0.0.5]";

    private static SessionHarness session(InetSocketAddress from, String... mainCf) {
        return new SessionHarness(TestConfigs.config(mainCf), new ScriptedChecks(), from, null, Runnable::run,
                Duration.ofSeconds(10));
    }

    private static String line(String reply) {
        return reply + "\r\n";
    }

    @Test
    void ehloShouldAnnounceXclientAndXforwardOnlyToAuthorizedClients() {
        assertThat(session(PROXY, AUTHORIZED, FORWARDERS).cmd("EHLO proxy.example"))
                .contains("250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN\r\n")
                .contains("250-XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT\r\n");
        assertThat(session(STRANGER, AUTHORIZED, FORWARDERS).cmd("EHLO x.example"))
                .doesNotContain("XCLIENT").doesNotContain("XFORWARD");
        assertThat(session(PROXY).cmd("EHLO proxy.example")).doesNotContain("XCLIENT").doesNotContain("XFORWARD");
    }

    @Test
    void unauthorizedClientShouldBeRefused() {
        SessionHarness s = session(STRANGER, AUTHORIZED, FORWARDERS);
        s.cmd("EHLO x.example");
        assertThat(s.cmd("XCLIENT ADDR=192.0.2.7")).isEqualTo(line("550 5.7.0 Error: insufficient authorization"));
        assertThat(s.cmd("XFORWARD ADDR=192.0.2.7")).isEqualTo(line("550 5.7.0 Error: insufficient authorization"));
    }

    @Test
    void xclientShouldReplaceTheClientAndStartOverWithANewGreeting() {
        SessionHarness s = session(PROXY, AUTHORIZED);
        s.cmd("EHLO proxy.example");
        String reply = s.cmd("XCLIENT NAME=client.example.org ADDR=192.0.2.7 PORT=5555 HELO=orig.example.org "
                + "PROTO=ESMTP LOGIN=alice+40example.org");
        assertThat(reply).isEqualTo(line("220 mx.example.test ESMTP Postern"));
        ScriptedChecks.Call connect = s.checks.calls.get(s.checks.calls.size() - 1);
        assertThat(connect.stage()).isEqualTo(SmtpStage.CONNECT);
        SmtpFacts f = connect.facts();
        assertThat(f.clientName()).isEqualTo("client.example.org");
        assertThat(f.reverseClientName()).isEqualTo("client.example.org");
        assertThat(f.clientAddress()).isEqualTo("192.0.2.7");
        assertThat(f.clientPort()).isEqualTo(5555);
        assertThat(f.heloName()).isEqualTo("orig.example.org");
        assertThat(f.protocol()).isEqualTo("ESMTP");
        assertThat(f.saslUsername()).isEqualTo("alice@example.org");
        // The new client is not authorized: no second XCLIENT, and EHLO no longer offers it.
        assertThat(s.cmd("EHLO orig.example.org")).doesNotContain("XCLIENT");
        assertThat(s.cmd("XCLIENT NAME=other.example")).isEqualTo(line("550 5.7.0 Error: insufficient authorization"));
        s.cmd("MAIL FROM:<alice@example.org>");
        s.cmd("RCPT TO:<bob@example.net>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        Envelope e = s.queue.committed.get(0).envelope();
        assertThat(e.client().name()).isEqualTo("client.example.org");
        assertThat(e.client().address()).isEqualTo("192.0.2.7");
        assertThat(e.client().port()).isEqualTo(5555);
        assertThat(e.sasl().username()).isEqualTo("alice@example.org");
        assertThat(e.sasl().method()).isEqualTo("XCLIENT");
    }

    @Test
    void xclientShouldForgetHeloAndProtocolUnlessGiven() {
        SessionHarness s = session(PROXY, AUTHORIZED);
        s.cmd("EHLO proxy.example");
        assertThat(s.cmd("XCLIENT ADDR=10.0.0.77")).startsWith("220 ");
        SmtpFacts f = s.checks.calls.get(s.checks.calls.size() - 1).facts();
        assertThat(f.heloName()).isNull();
        assertThat(f.protocol()).isEqualTo("SMTP");
        assertThat(f.clientName()).as("only what is given changes").isEqualTo("unknown");
        // Still inside 10.0.0.0/24: XCLIENT stays allowed.
        assertThat(s.cmd("EHLO proxy.example")).contains("250-XCLIENT");
        assertThat(s.cmd("MAIL FROM:<a@b.example> BODY=8BITMIME")).isEqualTo(line("250 2.1.0 Ok"));
    }

    @Test
    void xclientShouldTakeUnavailableAndTempunavailAsUnknown() {
        SessionHarness s = session(PROXY, AUTHORIZED);
        s.cmd("EHLO proxy.example");
        s.cmd("XCLIENT NAME=[TEMPUNAVAIL] REVERSE_NAME=ptr.example ADDR=IPv6:2001:db8::7 HELO=[UNAVAILABLE]");
        SmtpFacts f = s.checks.calls.get(s.checks.calls.size() - 1).facts();
        assertThat(f.clientName()).isEqualTo("unknown");
        assertThat(f.reverseClientName()).isEqualTo("ptr.example");
        assertThat(f.clientAddress()).isEqualTo("2001:db8::7");
        assertThat(f.heloName()).isNull();
    }

    // Postfix xclient_cmd() replies. Columns: command | reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "XCLIENT                      | 501 5.5.4 Syntax: XCLIENT attribute=value...",
        "XCLIENT NAME                 | 501 5.5.4 Error: attribute=value expected",
        "XCLIENT NAME=                | 501 5.5.4 Error: attribute=value expected",
        "XCLIENT NAME=bad_host!       | 501 5.5.4 Bad NAME syntax: bad_host!",
        "XCLIENT ADDR=999.1.1.1       | 501 5.5.4 Bad ADDR syntax: 999.1.1.1",
        "XCLIENT ADDR=2001:db8::1     | 501 5.5.4 Bad ADDR syntax: 2001:db8::1",
        "XCLIENT PORT=12x             | 501 5.5.4 Bad PORT syntax: 12x",
        "XCLIENT PROTO=LMTP           | 501 5.5.4 Bad PROTO syntax: LMTP",
        "XCLIENT DESTADDR=192.0.2.1   | 501 5.5.4 Bad XCLIENT attribute name: DESTADDR",
        "XFORWARD SOURCE=elsewhere    | 501 5.5.4 Bad SOURCE syntax: elsewhere",
        "XFORWARD COLOR=blue          | 501 5.5.4 Bad XFORWARD attribute name: COLOR",
        "XFORWARD                     | 501 5.5.4 Syntax: XFORWARD attribute=value...",
    })
    void badAttributesShouldGetPostfixReplies(String command, String expected) {
        SessionHarness s = session(PROXY, AUTHORIZED, FORWARDERS);
        s.cmd("EHLO proxy.example");
        assertThat(s.cmd(command.strip())).isEqualTo(line(expected.strip()));
    }

    @Test
    void xclientAndXforwardShouldBeRefusedInsideATransaction() {
        SessionHarness s = session(PROXY, AUTHORIZED, FORWARDERS);
        s.cmd("EHLO proxy.example");
        s.cmd("MAIL FROM:<a@b.example>");
        assertThat(s.cmd("XCLIENT ADDR=192.0.2.1")).isEqualTo(line("503 5.5.1 Error: MAIL transaction in progress"));
        assertThat(s.cmd("XFORWARD ADDR=192.0.2.1")).isEqualTo(line("503 5.5.1 Error: MAIL transaction in progress"));
    }

    @Test
    void xforwardShouldGoIntoTheEnvelopeOfTheNextTransactionOnly() {
        SessionHarness s = session(PROXY, FORWARDERS);
        s.cmd("EHLO proxy.example");
        assertThat(s.cmd("XFORWARD NAME=up.example.org ADDR=192.0.2.44 PORT=2525 PROTO=ESMTP"))
                .isEqualTo(line("250 2.0.0 Ok"));
        assertThat(s.cmd("XFORWARD HELO=up+20helo IDENT=4XabcDEF SOURCE=LOCAL")).isEqualTo(line("250 2.0.0 Ok"));
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        LogFacts a = s.queue.committed.get(0).envelope().log();
        assertThat(a).isEqualTo(new LogFacts("up.example.org", "192.0.2.44", "2525", "up.example.org[192.0.2.44]",
                "up?helo", // xtext-decoded, then neutered
                "ESMTP", "4XabcDEF", "local"));
        assertThat(s.queue.committed.get(0).envelope().client().address()).isEqualTo("10.0.0.5");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        s.send("y\r\n.\r\n");
        LogFacts second = s.queue.committed.get(1).envelope().log();
        assertThat(second.clientAddress()).isEqualTo("10.0.0.5");
        assertThat(second.ident()).isEmpty();
        assertThat(second.rewriteContext()).isEmpty();
    }

    @Test
    void xforwardUnavailableValuesShouldBecomeUnknown() {
        SessionHarness s = session(PROXY, FORWARDERS);
        s.cmd("EHLO proxy.example");
        assertThat(s.cmd("XFORWARD NAME=[UNAVAILABLE] ADDR=[UNAVAILABLE]")).isEqualTo(line("250 2.0.0 Ok"));
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        assertThat(s.queue.committed.get(0).envelope().log().clientName()).isEqualTo("unknown");
        assertThat(s.queue.committed.get(0).envelope().log().messageOrigin()).isEqualTo("unknown");
    }

    @Test
    void rsetShouldForgetXforwardAttributes() {
        SessionHarness s = session(PROXY, FORWARDERS);
        s.cmd("EHLO proxy.example");
        s.cmd("XFORWARD IDENT=abc");
        s.cmd("RSET");
        s.cmd("MAIL FROM:<a@b.example>");
        s.cmd("RCPT TO:<c@d.example>");
        s.cmd("DATA");
        s.send("x\r\n.\r\n");
        assertThat(s.queue.committed.get(0).envelope().log().ident()).isEmpty();
    }

    @Test
    void xclientAttributesShouldBeXtextDecoded() {
        XclientAttributes.Update u = XclientAttributes.xclient(java.util.List.of("LOGIN=bob+2Bx+40example.org",
                "HELO=a+3Cb+3E"));
        assertThat(u.error).isNull();
        assertThat(u.login).isEqualTo("bob+x@example.org");
        assertThat(u.helo).isEqualTo("a?b?");
    }
}
