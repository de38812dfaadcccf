// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postern.api.message.ClientFacts;
import org.postern.core.smtpd.restrict.SmtpFacts;

/** The client hostname lookup at connect, seen from the session: greeting, facts, envelope, logs. */
class ClientLookupSessionTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 40000);
    private static SessionHarness session(ZoneTableResolver dns) {
        return new SessionHarness(TestConfigs.config(), new ScriptedChecks(), CLIENT, dns, Runnable::run,
                Duration.ofSeconds(10));
    }

    @Test
    void confirmedNameShouldReachFactsEnvelopeAndLogs() {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        SessionHarness s;
        try {
            s = session(new ZoneTableResolver().host("mail.example.org", "192.0.2.1"));
            assertThat(s.greeting).startsWith("220 ");
            s.cmd("EHLO mail.example.org");
            s.cmd("MAIL FROM:<a@example.org>");
            s.cmd("RCPT TO:<b@example.net>");
            s.cmd("DATA");
            s.send("x\r\n.\r\n");
        } finally {
            System.setErr(original);
        }
        SmtpFacts connect = s.checks.calls.get(0).facts();
        assertThat(connect.clientName()).isEqualTo("mail.example.org");
        assertThat(connect.reverseClientName()).isEqualTo("mail.example.org");
        assertThat(connect.clientAddress()).isEqualTo("192.0.2.1");
        ClientFacts client = s.queue.committed.get(0).envelope().client();
        assertThat(client.name()).isEqualTo("mail.example.org");
        assertThat(client.reverseName()).isEqualTo("mail.example.org");
        assertThat(client.address()).isEqualTo("192.0.2.1");
        assertThat(client.port()).isEqualTo(40000);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("connect from mail.example.org[192.0.2.1]")
                .contains("4Xtest0001: client=mail.example.org[192.0.2.1]");
    }

    @Test
    void unconfirmedNameShouldLeaveClientNameUnknownButKeepTheReverseName() {
        ZoneTableResolver dns = new ZoneTableResolver()
                .add("1.2.0.192.in-addr.arpa", org.postern.api.dns.DnsRecordType.PTR, "liar.example.");
        SessionHarness s = session(dns);
        SmtpFacts connect = s.checks.calls.get(0).facts();
        assertThat(connect.clientName()).isEqualTo("unknown");
        assertThat(connect.reverseClientName()).isEqualTo("liar.example");
    }

    @Test
    void temporaryDnsFailureShouldLeaveUnknownAndStillGreet() {
        SessionHarness s = session(new ZoneTableResolver().broken("1.2.0.192.in-addr.arpa"));
        assertThat(s.greeting).startsWith("220 ");
        assertThat(s.checks.calls.get(0).facts().clientName()).isEqualTo("unknown");
    }

    @Test
    void slowDnsShouldNotHoldTheGreetingPastTheTimeout() {
        // The executor holds the first task (the lookup) as a DNS server that does not answer
        // would; everything after it runs at once.
        java.util.List<Runnable> held = new java.util.ArrayList<>();
        java.util.concurrent.Executor holdFirst = task -> {
            if (held.isEmpty()) {
                held.add(task);
            } else {
                task.run();
            }
        };
        ZoneTableResolver dns = new ZoneTableResolver().host("late.example", "192.0.2.1");
        // A command before the greeting ends the session with smtpd_forbid_unauth_pipelining = yes
        // (SmtpSessionTest); here it shows that nothing is read before the greeting.
        SessionHarness s = new SessionHarness(TestConfigs.config("smtpd_forbid_unauth_pipelining = no"),
                new ScriptedChecks(), CLIENT, dns, holdFirst, Duration.ofSeconds(10));
        assertThat(s.greeting).as("no greeting while the lookup runs").isEmpty();
        assertThat(s.cmd("EHLO early.example")).as("commands wait for the greeting").isEmpty();
        s.channel.advanceTimeBy(10, TimeUnit.SECONDS);
        String replies = s.settle();
        assertThat(replies).startsWith("220 mx.example.test ESMTP Postern\r\n").contains("250-mx.example.test");
        assertThat(s.checks.calls.get(0).facts().clientName()).isEqualTo("unknown");
        held.get(0).run(); // the answer comes too late and is ignored
        s.settle();
        s.cmd("MAIL FROM:<a@example.org>");
        assertThat(s.checks.calls.get(s.checks.calls.size() - 1).facts().clientName()).isEqualTo("unknown");
    }
}
