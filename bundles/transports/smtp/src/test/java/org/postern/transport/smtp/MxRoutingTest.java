// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

/**
 * MX routing against servers on 127.0.0.2, 127.0.0.3 ... (all loopback on Linux), all on one
 * port given as smtp_tcp_port; 127.0.0.9 listens nowhere (connection refused).
 */
class MxRoutingTest {

    private final ZoneDnsResolver dns = new ZoneDnsResolver();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(dns);
    private final List<ScriptedSmtpServer> servers = new ArrayList<>();
    private int port;

    @BeforeEach
    void pickPort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            port = probe.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        for (ScriptedSmtpServer s : servers) {
            s.close();
        }
    }

    private ScriptedSmtpServer serve(String address, ScriptedSmtpServer.Script script) throws IOException {
        ScriptedSmtpServer s = ScriptedSmtpServer.tcp(script, InetAddress.getByName(address), port);
        servers.add(s);
        return s;
    }

    private RecipientResult deliver(Requests r) {
        return agent.deliver(r.set("smtp_tcp_port", String.valueOf(port)).build()).results().get(0);
    }

    @Test
    void lowestPreferenceShouldBeTriedFirst() throws IOException {
        dns.mx("example.com", 20, "mx2.example.com").mx("example.com", 10, "mx1.example.com")
                .a("mx1.example.com", "127.0.0.2").a("mx2.example.com", "127.0.0.3");
        ScriptedSmtpServer mx1 = serve("127.0.0.2", new ScriptedSmtpServer.Script());
        ScriptedSmtpServer mx2 = serve("127.0.0.3", new ScriptedSmtpServer.Script());
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(r.relay()).isEqualTo("mx1.example.com[127.0.0.2]:" + port);
        assertThat(mx1.messages).hasSize(1);
        assertThat(mx2.connections.get()).isZero();
    }

    @Test
    void emptyNexthopShouldMeanTheRecipientDomain() throws IOException {
        dns.mx("example.com", 10, "mx1.example.com").a("mx1.example.com", "127.0.0.2");
        serve("127.0.0.2", new ScriptedSmtpServer.Script());
        assertThat(deliver(Requests.to("")).relay()).isEqualTo("mx1.example.com[127.0.0.2]:" + port);
    }

    @Test
    void unreachableExchangerShouldBeSkipped() throws IOException {
        dns.mx("example.com", 10, "dead.example.com").mx("example.com", 20, "mx2.example.com")
                .a("dead.example.com", "127.0.0.9").a("mx2.example.com", "127.0.0.3");
        serve("127.0.0.3", new ScriptedSmtpServer.Script());
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(r.relay()).isEqualTo("mx2.example.com[127.0.0.3]:" + port);
    }

    @Test
    void greetingFailureAndRecipientDeferralShouldMoveOnToTheNextExchanger() throws IOException {
        dns.mx("example.com", 10, "mx1.example.com").mx("example.com", 20, "mx2.example.com")
                .mx("example.com", 30, "mx3.example.com")
                .a("mx1.example.com", "127.0.0.2").a("mx2.example.com", "127.0.0.3").a("mx3.example.com", "127.0.0.4");
        serve("127.0.0.2", new ScriptedSmtpServer.Script().reply("GREETING", "421 4.3.2 too busy"));
        ScriptedSmtpServer.Script greylist = new ScriptedSmtpServer.Script();
        greylist.rcptReply = a -> a.startsWith("grey") ? "450 4.2.0 greylisted" : "250 2.1.5 Ok";
        serve("127.0.0.3", greylist);
        ScriptedSmtpServer mx3 = serve("127.0.0.4", new ScriptedSmtpServer.Script());
        List<RecipientResult> results = agent.deliver(Requests.to("example.com").recipients("grey@example.com", "ok@example.com")
                .set("smtp_tcp_port", String.valueOf(port)).build()).results();
        assertThat(results).extracting(RecipientResult::relay)
                .containsExactly("mx3.example.com[127.0.0.4]:" + port, "mx2.example.com[127.0.0.3]:" + port);
        assertThat(results).extracting(RecipientResult::outcome).containsOnly(Outcome.HANDED_OFF);
        assertThat(mx3.commands).contains("RCPT TO:<grey@example.com>").doesNotContain("RCPT TO:<ok@example.com>");
    }

    @Test
    void sessionLimitShouldStopAfterTwoCompletedHandshakes() throws IOException {
        dns.mx("example.com", 10, "mx1.example.com").mx("example.com", 20, "mx2.example.com")
                .mx("example.com", 30, "mx3.example.com")
                .a("mx1.example.com", "127.0.0.2").a("mx2.example.com", "127.0.0.3").a("mx3.example.com", "127.0.0.4");
        serve("127.0.0.2", new ScriptedSmtpServer.Script().reply("RCPT", "451 4.3.0 later"));
        serve("127.0.0.3", new ScriptedSmtpServer.Script().reply("RCPT", "452 4.3.1 later still"));
        ScriptedSmtpServer mx3 = serve("127.0.0.4", new ScriptedSmtpServer.Script());
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).isEqualTo("host mx2.example.com[127.0.0.3] said: 452 4.3.1 later still (in reply to RCPT TO command)");
        assertThat(mx3.connections.get()).isZero();
    }

    @Test
    void everyExchangerRefusingShouldDeferWithTheLastConnectError() {
        dns.mx("example.com", 10, "a.example.com").mx("example.com", 20, "b.example.com")
                .a("a.example.com", "127.0.0.8").a("b.example.com", "127.0.0.9");
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.4.1");
        assertThat(r.diagnostic()).isEqualTo("connect to b.example.com[127.0.0.9]:" + port + ": Connection refused");
    }

    @Test
    void connectBudgetShouldStopTryingFurtherExchangers() throws IOException {
        dns.mx("example.com", 10, "mx1.example.com").mx("example.com", 20, "mx2.example.com")
                .mx("example.com", 30, "mx3.example.com")
                .a("mx1.example.com", "127.0.0.2").a("mx2.example.com", "127.0.0.3").a("mx3.example.com", "127.0.0.4");
        ScriptedSmtpServer.Script mute = new ScriptedSmtpServer.Script();
        mute.silentAfter = "GREETING";
        serve("127.0.0.2", mute);
        serve("127.0.0.3", mute);
        ScriptedSmtpServer mx3 = serve("127.0.0.4", new ScriptedSmtpServer.Script());
        RecipientResult r = deliver(Requests.to("example.com").set("smtp_helo_timeout", "1s")
                .set("smtp_connect_timeout_budget", "1500ms").set("smtp_mx_session_limit", "0"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).isEqualTo("conversation with mx2.example.com[127.0.0.3] timed out while receiving the initial server greeting");
        assertThat(mx3.connections.get()).isZero();
    }

    @Test
    void domainWithoutMxShouldUseItsOwnAddress() throws IOException {
        dns.a("example.com", "127.0.0.2");
        serve("127.0.0.2", new ScriptedSmtpServer.Script());
        assertThat(deliver(Requests.to("example.com")).relay()).isEqualTo("example.com[127.0.0.2]:" + port);
    }

    @Test
    void bracketedHostShouldSkipMxLookup() throws IOException {
        dns.mx("relay.example.com", 10, "elsewhere.example.com").a("relay.example.com", "127.0.0.2");
        serve("127.0.0.2", new ScriptedSmtpServer.Script());
        assertThat(deliver(Requests.to("[relay.example.com]")).relay()).isEqualTo("relay.example.com[127.0.0.2]:" + port);
        assertThat(dns.queries).doesNotContain("relay.example.com/MX");
    }

    @Test
    void nonexistentDomainShouldBounce() {
        RecipientResult r = deliver(Requests.to("nowhere.example"));
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.4.4");
        assertThat(r.diagnostic()).isEqualTo("Host or domain name not found. Name service error for name=nowhere.example type=MX: Host not found");
        assertThat(r.relay()).isEqualTo("none");
    }

    @Test
    void dnsFailureShouldDefer() {
        dns.failing("example.com");
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.4.3");
        assertThat(r.diagnostic()).endsWith("type=MX: Host not found, try again");
    }

    @Test
    void missingResolverServiceShouldDefer() {
        SmtpDeliveryAgent withoutDns = new SmtpDeliveryAgent(null);
        try {
            assertThat(withoutDns.deliver(Requests.to("example.com").build()).results().get(0).outcome())
                    .isEqualTo(Outcome.DEFERRED);
        } finally {
            withoutDns.deactivate();
        }
    }

    @Test
    void nullMxShouldBounce() {
        dns.mx("example.com", 0, ".");
        RecipientResult r = deliver(Requests.to("example.com"));
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.dsnStatus()).isEqualTo("5.1.10");
    }

    @Test
    void exchangerWithoutAddressShouldBounceUnlessDeferIsAsked() {
        dns.mx("example.com", 10, "ghost.example.com");
        assertThat(deliver(Requests.to("example.com")).outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(deliver(Requests.to("example.com").set("smtp_defer_if_no_mx_address_found", "yes")).outcome())
                .isEqualTo(Outcome.DEFERRED);
    }
}
