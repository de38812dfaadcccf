// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.core.smtpd.restrict.Fixture.checks;
import static org.postern.core.smtpd.restrict.Fixture.facts;
import static org.postern.core.smtpd.restrict.Fixture.rcpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.config.ConfigException;

/** check_policy_service against a policy server on a real socket (SMTPD_POLICY_README protocol). */
class PolicyServiceTest {

    private static final String DEFAULT_REPLY =
            "451 4.3.5 <bob@example.com>: Recipient address rejected: Server configuration problem";

    /**
     * A policy server on 127.0.0.1: answers each request with the bytes {@code reply} gives
     * (null means hang; bytes ending in {@link #CLOSE} are sent without it, then the server
     * closes the connection). Records the requests and, per connection, "open N", "request N" and
     * "close N" (the client closed it) in the order the server saw them.
     */
    static final class PolicyServer implements AutoCloseable {
        static final String CLOSE = "<close>";
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        volatile Function<Map<String, String>, byte[]> reply;

        PolicyServer(Function<Map<String, String>, byte[]> reply) throws IOException {
            this.reply = reply;
            Thread t = new Thread(this::serve, "policy-server");
            t.setDaemon(true);
            t.start();
        }

        static byte[] action(String action) {
            return ("action=" + action + "\n\n").getBytes(StandardCharsets.UTF_8);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    int n = connections.incrementAndGet();
                    events.add("open " + n);
                    Thread t = new Thread(() -> session(s, n), "policy-session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void session(Socket s, int n) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                Map<String, String> request = new LinkedHashMap<>();
                for (String line; (line = readLine(in)) != null; ) {
                    if (!line.isEmpty()) {
                        int eq = line.indexOf('=');
                        request.put(line.substring(0, eq), line.substring(eq + 1));
                        continue;
                    }
                    requests.add(request);
                    events.add("request " + n);
                    byte[] answer = reply.apply(request);
                    if (answer == null) {
                        Thread.sleep(60_000);
                        return;
                    }
                    String text = new String(answer, StandardCharsets.ISO_8859_1);
                    if (text.endsWith(CLOSE)) {
                        out.write(text.substring(0, text.length() - CLOSE.length()).getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        s.shutdownOutput();
                        continue;
                    }
                    out.write(answer);
                    out.flush();
                    request = new LinkedHashMap<>();
                }
                events.add("close " + n);
            } catch (IOException | InterruptedException e) {
                events.add("close " + n);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return null;
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

    private RestrictionChecks policyChecks(String endpoint, String... mainCf) throws ConfigException {
        List<String> lines = new ArrayList<>(List.of("smtpd_recipient_restrictions = check_policy_service " + endpoint
                + ", permit", "local_recipient_maps =", "mydestination = example.com"));
        lines.addAll(List.of(mainCf));
        return checks(lines.toArray(String[]::new));
    }

    /** Waits for something the other side does; the limit only ends a test that would hang. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition met").isTrue();
    }

    @Test
    void theServersActionDecidesAndTheRequestCarriesPostfixsAttributes() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action(r.get("recipient").startsWith("spam")
                ? "REJECT greylisted forever" : "DUNNO"));
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
        try (CapturedLog log = new CapturedLog()) {
            assertThat(rcpt(c, facts())).isEqualTo(DEFAULT_REPLY);
            assertThat(log.text()).contains("warning: connect to inet:127.0.0.1:" + deadPort + ": Connection refused")
                    .contains("warning: problem talking to server inet:127.0.0.1:" + deadPort + ": connect to");
        }
    }

    @Test
    void aHungServerTimesOutIntoTheConfiguredDefaultAction() throws Exception {
        server = new PolicyServer(r -> null);
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", timeout=300ms, try_limit=1, default_action=DUNNO }");
        try (CapturedLog log = new CapturedLog()) {
            assertThat(rcpt(c, facts())).isEqualTo("PERMIT");
            // The answer came from the timeout, not from the server giving up after its 60 s.
            assertThat(log.text()).contains("warning: timeout on " + server.endpoint()
                    + " while reading input attribute name");
        }
        assertThat(server.requests).hasSize(1);
    }

    /** Malformed replies and actions access(5) does not know: never a permit, always default_action. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        empty action       | action=\\n\\n                      | access table {server} entry "action=" has empty value
        blank action       | action=   \\n\\n                   | access table {server} entry "action=   " has empty value
        missing action     | result=OK\\n\\n                    | missing attribute action in input from {server}
        no terminator line | action=DUNNO\\n<close>             | premature end-of-input on {server} while reading input attribute name
        garbage line       | garbage\\naction=DUNNO\\n\\n         | missing value for string attribute garbage from {server}
        nameless attribute | =OK\\naction=DUNNO\\n\\n             | unexpected attribute =OK in input from {server}
        over-long reply    | action=OK {long}\\n\\n              | string length > 4096 characters from {server} while reading input attribute value
        malformed UTF-8    | action=REJECT \\u00ff\\u00fe\\n\\n  | malformed UTF-8 in policy server {server} response: "REJECT
        unknown action     | action=FOOBAR\\n\\n                 | unknown smtpd restriction: "FOOBAR"
        unknown in a list  | action=permit_mynetworks, FOO\\n\\n | unknown smtpd restriction: "FOO"
        table in a list    | action=check_client_access hash:/x\\n\\n | access table {server} has entry with lookup table: check_client_access hash:/x
        """)
    void aMalformedReplyGivesTheDefaultActionWithAWarning(String what, String reply, String warning) throws Exception {
        byte[] bytes = reply.replace("\\n", "\n").replace("\\u00ff", "\u00ff").replace("\\u00fe", "\u00fe")
                .replace("{long}", "x".repeat(5000)).getBytes(StandardCharsets.ISO_8859_1);
        server = new PolicyServer(r -> bytes);
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", timeout=2s, retry_delay=10ms }");
        try (CapturedLog log = new CapturedLog()) {
            assertThat(rcpt(c, facts())).isEqualTo(DEFAULT_REPLY);
            assertThat(log.text()).contains("warning: " + warning.replace("{server}", server.endpoint()));
        }
    }

    @Test
    void theEndpointsDefaultActionAndTheParameterAreBothHonoured() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action(""));
        assertThat(rcpt(policyChecks("{ " + server.endpoint() + ", retry_delay=10ms, default_action=450 4.7.1 Try later }"),
                facts())).isEqualTo("450 4.7.1 <bob@example.com>: Recipient address rejected: Try later");
        assertThat(rcpt(policyChecks("{ " + server.endpoint() + ", retry_delay=10ms }",
                "smtpd_policy_service_default_action = DEFER_IF_PERMIT Policy service unusable"), facts()))
                .isEqualTo("450 4.7.1 <bob@example.com>: Recipient address rejected: Policy service unusable");
    }

    @Test
    void aDefaultActionThatIsNotAnAccessActionGivesPostfixsBuiltInDefault() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action("NONSENSE"));
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", default_action=ALSO_NONSENSE }");
        try (CapturedLog log = new CapturedLog()) {
            assertThat(rcpt(c, facts())).isEqualTo(DEFAULT_REPLY);
            assertThat(log.text()).contains("warning: unknown smtpd restriction: \"NONSENSE\"")
                    .contains("warning: unknown smtpd restriction: \"ALSO_NONSENSE\"; default_action of "
                            + server.endpoint() + " is not usable");
        }
    }

    @Test
    void aMalformedReplyIsRetriedOnAFreshConnectionUpToTryLimit() throws Exception {
        server = new PolicyServer(r -> server.requests.size() < 2 ? PolicyServer.action("") : PolicyServer.action("OK"));
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", retry_delay=10ms, try_limit=2 }");
        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");
        assertThat(server.requests).hasSize(2);
        assertThat(server.connections).hasValue(2);
    }

    @Test
    void aRestrictionListIsAnAccessAction() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action("permit_mynetworks, reject"));
        assertThat(rcpt(policyChecks(server.endpoint()), facts()))
                .isEqualTo("554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied");
    }

    @Test
    void anIdleConnectionIsClosedAfterMaxIdleAndANewOneOpened() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action("DUNNO"));
        RestrictionChecks c = policyChecks("{ " + server.endpoint() + ", max_idle=200ms }");

        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");
        await(() -> server.events.contains("close 1"));   // the client closed it, with no request in between
        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");

        assertThat(server.events).containsExactly("open 1", "request 1", "close 1", "open 2", "request 2");
    }

    @Test
    void theMaxIdleParameterAppliesToEndpointsWithoutTheirOwn() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action("DUNNO"));
        RestrictionChecks c = policyChecks(server.endpoint(), "smtpd_policy_service_max_idle = 1s");

        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");
        await(() -> server.events.contains("close 1"));
        assertThat(rcpt(c, facts())).isEqualTo("PERMIT");

        assertThat(server.events).containsExactly("open 1", "request 1", "close 1", "open 2", "request 2");
    }

    @Test
    void newlinesInAttributesCannotInjectAttributes() throws Exception {
        server = new PolicyServer(r -> PolicyServer.action(r.containsKey("evil") ? "REJECT injected" : "DUNNO"));
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
