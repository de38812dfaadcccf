// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.core.config.ConfigException;

/** check_policy_service against a policy server on a real socket (SMTPD_POLICY_README protocol). */
class PolicyServiceTest {

    /** A policy server: answers each request with {@code decide(attributes)}; null means hang. */
    static final class PolicyServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        volatile Function<Map<String, String>, String> decide;

        PolicyServer(Function<Map<String, String>, String> decide) throws IOException {
            this.decide = decide;
            Thread t = new Thread(this::serve, "policy-server");
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread t = new Thread(() -> session(s), "policy-session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void session(Socket s) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                 OutputStream out = s.getOutputStream()) {
                Map<String, String> request = new LinkedHashMap<>();
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isEmpty()) {
                        int eq = line.indexOf('=');
                        request.put(line.substring(0, eq), line.substring(eq + 1));
                        continue;
                    }
                    requests.add(request);
                    String action = decide.apply(request);
                    if (action == null) {
                        Thread.sleep(60_000);
                        return;
                    }
                    out.write(("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    request = new LinkedHashMap<>();
                }
            } catch (IOException | InterruptedException e) {
                // client went away
            }
        }

        String endpoint() {
            return "inet:127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private PolicyServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private RestrictionChecks policyChecks(String endpoint) throws ConfigException {
        return checks("smtpd_recipient_restrictions = check_policy_service " + endpoint + ", permit",
                "local_recipient_maps =", "mydestination = example.com");
    }

    @Test
    void theServersActionDecidesAndTheRequestCarriesPostfixsAttributes() throws Exception {
        server = new PolicyServer(r -> r.get("recipient").startsWith("spam") ? "REJECT greylisted forever" : "DUNNO");
        RestrictionChecks c = policyChecks(server.endpoint());

        assertThat(rcpt(c, facts().to("bob@example.com"))).isEqualTo("PERMIT");
        assertThat(rcpt(c, facts().to("spam@example.com")))
                .isEqualTo("554 5.7.1 <spam@example.com>: Recipient address rejected: greylisted forever");

        Map<String, String> first = server.requests.get(0);
        assertThat(first).containsEntry("request", "smtpd_access_policy").containsEntry("protocol_state", "RCPT")
                .containsEntry("protocol_name", "ESMTP").containsEntry("client_address", "198.51.100.7")
                .containsEntry("client_name", "mail.example.net").containsEntry("helo_name", "mail.example.net")
                .containsEntry("sender", "alice@example.net").containsEntry("recipient", "bob@example.com")
                .containsKeys("instance", "queue_id", "sasl_username", "size", "encryption_protocol", "server_address",
                        "client_port", "compatibility_level", "mail_version");
        assertThat(first.keySet()).startsWith("request", "protocol_state", "protocol_name", "helo_name", "queue_id");
        assertThat(server.connections).as("one connection, reused").hasValue(1);
    }

    @Test
    void anUnreachableServerGivesTheDefaultActionAfterTryLimit() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        RestrictionChecks c = policyChecks("{ inet:127.0.0.1:" + deadPort + ", retry_delay=10ms, try_limit=3 }");
        assertThat(rcpt(c, facts())).isEqualTo("451 4.3.5 <bob@example.com>: Recipient address rejected: Server configuration problem");
    }

    @Test
    void aHungServerTimesOutIntoTheConfiguredDefaultAction() throws Exception {
        server = new PolicyServer(r -> null);
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", timeout=300ms, try_limit=1, default_action=DUNNO }");
        long start = System.nanoTime();
        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void newlinesInAttributesCannotInjectAttributes() throws Exception {
        server = new PolicyServer(r -> r.containsKey("evil") ? "REJECT injected" : "DUNNO");
        RestrictionChecks c = policyChecks(server.endpoint());
        assertThat(rcpt(c, facts().helo("x\nevil=1\n"))).isEqualTo("PERMIT");
        assertThat(server.requests.get(0)).doesNotContainKey("evil");
    }

    @Test
    void aBadEndpointIsAConfigurationError() {
        assertThatThrownBy(() -> policyChecks("inet:127.0.0.1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("check_policy_service inet:127.0.0.1: need inet:host:port or unix:/path");
        assertThatThrownBy(() -> policyChecks("{ inet:127.0.0.1:1, colour=red }"))
                .hasMessageContaining("unknown attribute \"colour\"");
        assertThatThrownBy(() -> checks("smtpd_recipient_restrictions = check_policy_service"))
                .hasMessageContaining("requires a server argument");
    }
}
