// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.tls.TlsSessionResult;

/**
 * The client's TLS session cache (smtp_tls_session_cache_database, _timeout) at every level,
 * what it does to the TLS reports (a resumed session is not reported again), and
 * smtp_tls_loglevel's lines, against a JSSE server that resumes sessions.
 */
class TlsSessionCacheTest {

    private static final String MX = "mx.dane.test";

    private final ZoneDnsResolver dns = new ZoneDnsResolver().signed();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(dns);
    private final List<TlsSessionResult> reported = new CopyOnWriteArrayList<>();
    private ScriptedSmtpServer server;
    private SelfSignedTls.Issued issued;
    private LogCapture log;

    @BeforeEach
    void serve() throws Exception {
        log = new LogCapture();
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        issued = SelfSignedTls.issue(MX);
        script.tls = issued.context();
        server = ScriptedSmtpServer.tcp(script);
        dns.a(MX, "127.0.0.1");
        dns.tlsa("_" + server.port() + "._tcp." + MX, "3 1 1 " + spkiSha256());
        agent.addTlsReportSink(reported::add);
    }

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        server.close();
        log.close();
    }

    private RecipientResult deliver(String level, String... more) throws Exception {
        Requests r = Requests.to("[" + MX + "]:" + server.port());
        r.set("smtp_tls_security_level", level);
        r.set("smtp_dns_support_level", "dnssec");
        r.set("inet_protocols", "ipv4");
        r.set("smtp_connection_cache_on_demand", "no");
        r.set("smtp_tls_fingerprint_cert_match", fingerprint());
        r.set("smtp_tls_fingerprint_digest", "sha256");
        for (int i = 0; i < more.length; i += 2) {
            r.set(more[i], more[i + 1]);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    private String spkiSha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(issued.certificate().getPublicKey().getEncoded())).toUpperCase(Locale.ROOT);
    }

    private String fingerprint() throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(issued.certificate().getEncoded()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"may", "encrypt", "fingerprint", "dane"})
    void withACacheTheSecondSessionShouldResumeAndNotBeReportedAgain(String level) throws Exception {
        String[] cache = {"smtp_tls_session_cache_database", "btree:/nonexistent/smtp_scache", "smtp_tls_loglevel", "2"};

        assertThat(deliver(level, cache).outcome()).isEqualTo(RecipientResult.Outcome.HANDED_OFF);
        assertThat(deliver(level, cache).outcome()).isEqualTo(RecipientResult.Outcome.HANDED_OFF);

        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(reported).singleElement().satisfies(r -> assertThat(r.successful()).isTrue());
        String relay = MX + "[127.0.0.1]:" + server.port();
        assertThat(log.text()).contains(relay + ": Reusing old session")
                .contains("setting up TLS connection to " + relay);
    }

    @Test
    void aTls12SessionShouldResumeToo() throws Exception {
        String[] cache = {"smtp_tls_session_cache_database", "btree:/x", "smtp_tls_loglevel", "2",
            "smtp_tls_mandatory_protocols", "<=TLSv1.2"};

        deliver("dane", cache);
        deliver("dane", cache);

        assertThat(reported).hasSize(1);
        assertThat(log.text()).contains("Reusing old session").contains(": TLSv1.2 with cipher ECDHE-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"may", "dane"})
    void withoutACacheEverySessionShouldBeNewAndReported(String level) throws Exception {
        deliver(level, "smtp_tls_loglevel", "2");
        deliver(level, "smtp_tls_loglevel", "2");

        assertThat(reported).hasSize(2);
        assertThat(log.text()).doesNotContain("Reusing old session");
    }

    @Test
    void aCachedConnectionReusedForTheNextDeliveryShouldNotBeReportedAgain() throws Exception {
        String[] reuse = {"smtp_connection_cache_on_demand", "yes", "smtp_connection_cache_destinations",
            "[" + MX + "]:" + server.port()};

        deliver("dane", reuse);
        deliver("dane", reuse);

        assertThat(server.connections.get()).isEqualTo(1);
        assertThat(reported).singleElement().satisfies(r -> assertThat(r.successful()).isTrue());
    }

    @Test
    void aZeroTimeoutShouldTurnTheCacheOff() throws Exception {
        String[] cache = {"smtp_tls_session_cache_database", "lmdb:/x", "smtp_tls_session_cache_timeout", "0"};
        deliver("dane", cache);
        deliver("dane", cache);

        assertThat(reported).hasSize(2);
    }

    @Test
    void aSessionAcceptedWithoutAuthenticationShouldNotBeResumedWhereTheCertificateIsChecked() throws Exception {
        String[] cache = {"smtp_tls_session_cache_database", "btree:/x", "smtp_tls_loglevel", "2"};
        deliver("may", cache);
        deliver("dane", cache);
        deliver("fingerprint", cache);

        assertThat(reported).hasSize(3);
        assertThat(log.text()).doesNotContain("Reusing old session");
    }

    @Test
    void aSessionShouldNotBeResumedUnderOtherTlsaRecords() throws Exception {
        String[] cache = {"smtp_tls_session_cache_database", "btree:/x"};
        deliver("dane", cache);
        dns.tlsa("_" + server.port() + "._tcp." + MX, "3 0 1 " + "11".repeat(32));   // a second record: a new RRset
        deliver("dane", cache);

        assertThat(reported).hasSize(2);
    }

    @Test
    void loglevel0ShouldLogNoTlsLineAndLevel1TheSummaryAsPostfix() throws Exception {
        deliver("dane");
        assertThat(log.text()).doesNotContain("TLS connection established");

        deliver("dane", "smtp_tls_loglevel", "1");
        assertThat(log.text()).containsPattern("Verified TLS connection established to " + MX.replace(".", "\\.")
                + "\\[127\\.0\\.0\\.1\\]:" + server.port() + ": TLSv1\\.3 with cipher TLS_AES_(128|256)_GCM_SHA(256|384)"
                + " \\((128|256)/(128|256) bits\\)").doesNotContain("setting up TLS").doesNotContain("subject_CN=");
    }

    @Test
    void loglevel2ShouldLogTheServerCertificateWithTheConfiguredDigest() throws Exception {
        deliver("may", "smtp_tls_loglevel", "2", "smtp_tls_fingerprint_digest", "sha256");

        assertThat(log.text()).contains(MX + "[127.0.0.1]:" + server.port() + ": subject_CN=" + MX + ", issuer_CN=" + MX
                + ", fingerprint=" + fingerprint() + ", pkey_fingerprint=")
                .contains("Untrusted TLS connection established to " + MX)
                .containsPattern("TLS cipher list \"TLS_AES_256_GCM_SHA384:[^\"]*ECDHE-");
    }

    @Test
    void peercertAloneShouldLogTheCertificateButNoSummary() throws Exception {
        deliver("may", "smtp_tls_loglevel", "peercert");

        assertThat(log.text()).contains("subject_CN=" + MX).doesNotContain("TLS connection established");
    }

    /** What the log (slf4j-simple, which writes to the current System.err) printed while open. */
    private static final class LogCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        LogCapture() {
            System.setErr(new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (buffer) {
                        buffer.write(b);
                    }
                    original.write(b);
                }
            }, true, StandardCharsets.UTF_8));
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }
}
