// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.core.config.PostfixConfig;
import org.postern.core.smtpd.tls.SniTable;
import org.postern.core.smtpd.tls.TestPki;

/**
 * Server TLS against real clients: OpenSSL's s_client (TLS 1.2 and 1.3, renegotiation "R",
 * signature algorithms, client certificates), swaks and gnutls-cli.
 */
class ServerTlsPeersTest {

    @TempDir
    Path dir;

    private SmtpServer server;
    private final InMemoryQueueStore queue = new InMemoryQueueStore();
    private final ScriptedChecks checks = new ScriptedChecks();
    private StderrCapture log;
    private TestPki pki;

    @BeforeEach
    void capture() throws Exception {
        TlsPeer.require("openssl", "openssl");
        log = new StderrCapture();
        pki = new TestPki();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
        if (log != null) {
            log.close();
        }
    }

    private int start(String... mainCf) throws Exception {
        PostfixConfig config = TestConfigs.config(mainCf);
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), config, checks, queue,
                dir.resolve("tls"));
        return server.start().getPort();
    }

    private static List<String> sClient(int port, String... options) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-starttls", "smtp"));
        cmd.addAll(List.of(options));
        return cmd;
    }

    @Test
    void clientInitiatedRenegotiationShouldBeRefused() throws Exception {
        int port = start("smtpd_tls_security_level = may");

        String out = TlsPeer.run(sClient(port, "-tls1_2"), List.of("R", "NOOP"), 1500, 15);

        assertThat(out).contains("RENEGOTIATING").doesNotContain("250 2.0.0 Ok");
        assertThat(log.text()).contains("unknown[127.0.0.1]: client-initiated TLS renegotiation refused");
    }

    @Test
    void tls12SessionShouldAnswerCommandsAndBeLoggedAsPostfixDoes() throws Exception {
        int port = start("smtpd_tls_loglevel = 1", "smtpd_tls_security_level = may");

        String out = TlsPeer.run(sClient(port, "-tls1_2"), List.of("NOOP"), 1000, 15);

        assertThat(out).contains("Protocol  : TLSv1.2").contains("250 2.0.0 Ok");
        assertThat(log.text()).containsPattern("Anonymous TLS connection established from unknown\\[127\\.0\\.0\\.1\\]:"
                + " TLSv1\\.2 with cipher ECDHE-ECDSA-AES(256|128)-GCM-SHA(384|256) \\((256|128)/(256|128) bits\\)");
    }

    @Test
    void tls13SessionShouldBeLoggedWithItsCipher() throws Exception {
        int port = start("smtpd_tls_loglevel = 1", "smtpd_tls_security_level = may");

        String out = TlsPeer.run(sClient(port, "-tls1_3"), List.of("NOOP"), 1000, 15);

        assertThat(out).contains("TLSv1.3").contains("250 2.0.0 Ok");
        assertThat(log.text()).contains("Anonymous TLS connection established from unknown[127.0.0.1]: TLSv1.3 with"
                + " cipher TLS_AES_256_GCM_SHA384 (256/256 bits)");
    }

    @Test
    void generatedPlaceholderShouldBeShortLivedAndSaySo() throws Exception {
        int port = start("smtpd_tls_security_level = may");

        String out = TlsPeer.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + port
                + " -starttls smtp </dev/null 2>/dev/null | openssl x509 -noout -checkend 2592000 -subject"),
                List.of(), 0, 15);

        assertThat(out).contains("CN = mx.example.test").contains("Certificate will expire");
        assertThat(log.text()).contains("self-signed PLACEHOLDER certificate for CN=mx.example.test");
    }

    @Test
    void rsaAndEcdsaKeysShouldBeChosenByTheClientsSignatureAlgorithms() throws Exception {
        Path chain = dir.resolve("chain.pem");
        TestPki.Issued rsa = pki.issue("rsa.example", TestPki.rsa());
        TestPki.Issued ec = pki.issue("ec.example", TestPki.ec());
        TestPki.pem(chain, rsa.keys(), rsa.certificate(), ec.keys(), ec.certificate());
        int port = start("smtpd_tls_security_level = may", "smtpd_tls_chain_files = " + chain);

        String viaRsa12 = TlsPeer.run(sClient(port, "-tls1_2", "-sigalgs", "RSA+SHA256"), List.of(), 500, 15);
        String viaEc12 = TlsPeer.run(sClient(port, "-tls1_2", "-sigalgs", "ECDSA+SHA256"), List.of(), 500, 15);
        String viaRsa13 = TlsPeer.run(sClient(port, "-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"), List.of(), 500, 15);
        String viaEc13 = TlsPeer.run(sClient(port, "-tls1_3", "-sigalgs", "ecdsa_secp256r1_sha256"), List.of(), 500, 15);

        assertThat(viaRsa12).contains("subject=CN = rsa.example");
        assertThat(viaEc12).contains("subject=CN = ec.example");
        assertThat(viaRsa13).contains("subject=CN = rsa.example");
        assertThat(viaEc13).contains("subject=CN = ec.example");
    }

    @Test
    void certificateReplacedOnDiskShouldServeTheNextHandshakeWithoutRestart() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        TestPki.Issued one = pki.issue("one.example", TestPki.ec());
        TestPki.pem(cert, one.certificate());
        TestPki.pem(key, one.keys());
        int port = start("smtpd_tls_security_level = may", "smtpd_tls_cert_file = " + cert,
                "smtpd_tls_key_file = " + key);
        String before = TlsPeer.run(sClient(port), List.of(), 500, 15);

        TestPki.Issued two = pki.issue("two.example", TestPki.ec());
        TestPki.pem(cert, two.certificate());          // the certificate first: a key mismatch for a moment
        String halfWay = TlsPeer.run(sClient(port), List.of(), 500, 15);
        TestPki.pem(key, two.keys());
        String after = TlsPeer.run(sClient(port), List.of(), 500, 15);

        assertThat(before).contains("subject=CN = one.example");
        assertThat(halfWay).contains("subject=CN = one.example");
        assertThat(after).contains("subject=CN = two.example");
        assertThat(log.text()).contains("cannot reload TLS server certificate").contains("TLS server certificate reloaded");
    }

    @Test
    void protocolsBelowTheMinimumShouldBeRefused() throws Exception {
        int port = start("smtpd_tls_security_level = may", "smtpd_tls_protocols = >=TLSv1.3");

        String old = TlsPeer.run(sClient(port, "-tls1_2"), List.of(), 500, 15);
        String current = TlsPeer.run(sClient(port, "-tls1_3"), List.of("NOOP"), 1000, 15);

        assertThat(old).doesNotContain("250 2.0.0 Ok").containsPattern("alert|error");
        assertThat(current).contains("250 2.0.0 Ok");
    }

    @Test
    void mandatoryCiphersShouldApplyAtLevelEncryptAndExclusionsByOpenSslName() throws Exception {
        int port = start("smtpd_tls_security_level = encrypt", "smtpd_tls_mandatory_ciphers = high",
                "smtpd_tls_mandatory_exclude_ciphers = AES256, CHACHA20");

        String cbc = TlsPeer.run(sClient(port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"), List.of(), 500, 15);
        String gcm = TlsPeer.run(sClient(port, "-tls1_2"), List.of("NOOP"), 1000, 15);

        assertThat(cbc).doesNotContain("250 2.0.0 Ok");
        assertThat(gcm).contains("Cipher is ECDHE-ECDSA-AES128-GCM-SHA256").contains("250 2.0.0 Ok");
    }

    @Test
    void levelEncryptShouldRefuseMailBeforeStarttls() throws Exception {
        int port = start("smtpd_tls_security_level = encrypt");

        try (RawSmtpClient c = new RawSmtpClient(new InetSocketAddress("127.0.0.1", port))) {
            c.reply();
            assertThat(c.command("EHLO client.example")).contains("250-STARTTLS");
            assertThat(c.command("MAIL FROM:<a@example.org>")).isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
        }
    }

    @Test
    void wrapperModeShouldGreetInsideTls() throws Exception {
        int port = start("smtpd_tls_loglevel = 1", "smtpd_tls_wrappermode = yes");

        String out = TlsPeer.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3"),
                List.of("EHLO client.example"), 1000, 15);

        assertThat(out).contains("220 mx.example.test").contains("250-mx.example.test").doesNotContain("STARTTLS");
        assertThat(log.text()).contains("Anonymous TLS connection established from unknown[127.0.0.1]: TLSv1.3");
    }

    @Test
    void clientCertificateShouldBeTrustedWhenItsCaIsInSmtpdTlsCaFile() throws Exception {
        Path ca = TestPki.pem(dir.resolve("ca.pem"), pki.ca.certificate());
        TestPki.Issued client = pki.issue("client.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("client.pem"), client.certificate());
        Path key = TestPki.pem(dir.resolve("client.key"), client.keys());
        TestPki.Issued stranger = new TestPki().issue("stranger.example", TestPki.ec());
        Path strangerCert = TestPki.pem(dir.resolve("stranger.pem"), stranger.certificate());
        Path strangerKey = TestPki.pem(dir.resolve("stranger.key"), stranger.keys());
        int port = start("smtpd_tls_loglevel = 1", "smtpd_tls_security_level = may", "smtpd_tls_ask_ccert = yes", "smtpd_tls_CAfile = " + ca);

        TlsPeer.run(sClient(port, "-cert", cert.toString(), "-key", key.toString()), List.of("NOOP"), 800, 15);
        TlsPeer.run(sClient(port, "-cert", strangerCert.toString(), "-key", strangerKey.toString()),
                List.of("NOOP"), 800, 15);
        TlsPeer.run(sClient(port), List.of("NOOP"), 800, 15);

        assertThat(log.text()).contains("Trusted TLS connection established from unknown[127.0.0.1]")
                .contains("Untrusted TLS connection established from unknown[127.0.0.1]")
                .contains("Anonymous TLS connection established from unknown[127.0.0.1]");
    }

    @Test
    void loglevel0ShouldLogNoSummaryAsPostfixsDefault() throws Exception {
        int port = start("smtpd_tls_security_level = may");

        String out = TlsPeer.run(sClient(port, "-tls1_3"), List.of("NOOP"), 1000, 15);

        assertThat(out).contains("250 2.0.0 Ok");
        assertThat(log.text()).doesNotContain("TLS connection established").doesNotContain("setting up TLS");
    }

    @Test
    void loglevel2ShouldAddSetupCipherListReuseAndCertificateLines() throws Exception {
        Path ca = TestPki.pem(dir.resolve("ca.pem"), pki.ca.certificate());
        TestPki.Issued client = pki.issue("client.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("client.pem"), client.certificate());
        Path key = TestPki.pem(dir.resolve("client.key"), client.keys());
        int port = start("smtpd_tls_security_level = may", "smtpd_tls_loglevel = 2", "smtpd_tls_ask_ccert = yes",
                "smtpd_tls_CAfile = " + ca);
        Path session = dir.resolve("s12");

        TlsPeer.run(sClient(port, "-tls1_2", "-sess_out", session.toString(), "-cert", cert.toString(), "-key",
                key.toString()), List.of("NOOP"), 800, 15);
        String again = TlsPeer.run(sClient(port, "-tls1_2", "-sess_in", session.toString()), List.of("NOOP"), 800, 15);

        assertThat(again).contains("Reused, TLSv1.2");
        assertThat(log.text()).contains("setting up TLS connection from unknown[127.0.0.1]")
                .containsPattern("unknown\\[127\\.0\\.0\\.1\\]: TLS cipher list \"[^\"]*ECDHE-ECDSA-AES256-GCM-SHA384")
                .containsPattern("unknown\\[127\\.0\\.0\\.1\\]: subject_CN=client\\.example, issuer=[^,]+,"
                        + " fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}, pkey_fingerprint=([0-9A-F]{2}:){31}[0-9A-F]{2}")
                .contains("Trusted TLS connection established from unknown[127.0.0.1]: TLSv1.2")
                .contains("unknown[127.0.0.1]: Reusing old session");
    }

    @Test
    void clientCertificateShouldBeTrustedWhenItsCaIsInSmtpdTlsCaPath() throws Exception {
        Path caDir = Files.createDirectories(dir.resolve("certs"));
        TestPki.pem(caDir.resolve("ca.pem"), pki.ca.certificate());
        Files.writeString(caDir.resolve("README"), "not a certificate\n");
        TestPki.Issued client = pki.issue("client.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("client.pem"), client.certificate());
        Path key = TestPki.pem(dir.resolve("client.key"), client.keys());
        int port = start("smtpd_tls_security_level = may", "smtpd_tls_loglevel = 1", "smtpd_tls_ask_ccert = yes",
                "smtpd_tls_CApath = " + caDir);

        TlsPeer.run(sClient(port, "-cert", cert.toString(), "-key", key.toString()), List.of("NOOP"), 800, 15);

        assertThat(log.text()).contains("Trusted TLS connection established from unknown[127.0.0.1]");
    }

    @Test
    void requiredClientCertificateShouldEndSessionsWithoutATrustedOne() throws Exception {
        Path ca = TestPki.pem(dir.resolve("ca.pem"), pki.ca.certificate());
        TestPki.Issued client = pki.issue("client.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("client.pem"), client.certificate());
        Path key = TestPki.pem(dir.resolve("client.key"), client.keys());
        int port = start("smtpd_tls_security_level = encrypt", "smtpd_tls_req_ccert = yes", "smtpd_tls_CAfile = " + ca);

        String with = TlsPeer.run(sClient(port, "-cert", cert.toString(), "-key", key.toString()), List.of("NOOP"),
                800, 15);
        String without = TlsPeer.run(sClient(port), List.of("NOOP"), 800, 15);

        assertThat(with).contains("250 2.0.0 Ok");
        assertThat(without).contains("421 4.7.1 mx.example.test Error: No client certificate presented")
                .doesNotContain("250 2.0.0 Ok");
        assertThat(log.text()).contains("NOQUEUE: abort: TLS from unknown[127.0.0.1]: No client certificate presented");
    }

    @Test
    void swaksShouldDeliverOverStarttls() throws Exception {
        TlsPeer.require("swaks", "swaks");
        int port = start("smtpd_tls_security_level = encrypt");

        String out = TlsPeer.run(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(port), "--tls",
                "--from", "alice@example.org", "--to", "bob@example.net", "--helo", "client.example"), List.of(), 0, 30);

        assertThat(out).contains("250 2.0.0 Ok: queued");
        assertThat(queue.committed).hasSize(1);
        assertThat(queue.committed.get(0).envelope().tls().encrypted()).isTrue();
    }

    @Test
    void receivedHeaderShouldNameTheTlsSessionOnlyWhenAsked() throws Exception {
        TlsPeer.require("swaks", "swaks");
        int quiet = start("smtpd_tls_security_level = may");
        TlsPeer.run(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(quiet), "--tls",
                "--from", "alice@example.org", "--to", "bob@example.net"), List.of(), 0, 30);
        server.stop(1, TimeUnit.SECONDS);
        int told = start("smtpd_tls_security_level = may", "smtpd_tls_received_header = yes");
        TlsPeer.run(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(told), "--tls-protocol",
                "tlsv1_3", "--tls", "--from", "alice@example.org", "--to", "bob@example.net"), List.of(), 0, 30);

        assertThat(queue.committed).hasSize(2);
        assertThat(queue.committed.get(0).envelope().tls().receivedComment()).isEmpty();
        assertThat(queue.committed.get(1).envelope().tls().receivedComment()).isEqualTo(
                "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits))\r\n\t(No client certificate requested)");
    }

    @Test
    void gnutlsShouldNegotiateStarttls() throws Exception {
        TlsPeer.require("gnutls-cli", "gnutls-bin");
        int port = start("smtpd_tls_loglevel = 1", "smtpd_tls_security_level = may");

        String out = TlsPeer.run(List.of("gnutls-cli", "--insecure", "--starttls-proto=smtp", "--port",
                Integer.toString(port), "127.0.0.1"), List.of("NOOP"), 1500, 15);

        assertThat(out).contains("Handshake was completed").contains("250 2.0.0 Ok");
        assertThat(log.text()).contains("Anonymous TLS connection established from unknown[127.0.0.1]: TLSv1.3");
    }

    @Test
    void sniNameShouldSelectItsCertificateFromTlsServerSniMaps() throws Exception {
        Path other = pki.chainFile(dir.resolve("other.pem"), pki.issue("other.example", TestPki.ec()));
        Path wild = pki.chainFile(dir.resolve("wild.pem"), pki.issue("any.wild.example", TestPki.rsa()));
        Map<String, String> entries = Map.of("other.example", other.toString(), ".wild.example", wild.toString());
        SniTable sni = new SniTable(List.of(new MapDict(entries)));
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0),
                TestConfigs.config("smtpd_tls_security_level = may"), checks, queue, dir.resolve("tls")).sni(sni);
        int port = server.start().getPort();

        String named = TlsPeer.run(sClient(port, "-tls1_3", "-servername", "other.example"), List.of(), 500, 15);
        String parent = TlsPeer.run(sClient(port, "-tls1_2", "-servername", "mx.wild.example"), List.of(), 500, 15);
        String unknown = TlsPeer.run(sClient(port, "-servername", "nobody.example"), List.of(), 500, 15);

        assertThat(named).contains("subject=CN = other.example");
        assertThat(parent).contains("subject=CN = any.wild.example");
        assertThat(unknown).contains("subject=CN = mx.example.test");
    }

    @Test
    void sniTableFailureShouldAbortTheHandshakeNotServeTheDefaultCertificate() throws Exception {
        Path other = pki.chainFile(dir.resolve("other.pem"), pki.issue("other.example", TestPki.ec()));
        SniTable sni = new SniTable(List.of(new FailingDict(), new MapDict(Map.of("other.example", other.toString())),
                new MapDict(Map.of("bad.example", dir.resolve("missing.pem").toString()))));
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0),
                TestConfigs.config("smtpd_tls_security_level = may"), checks, queue, dir.resolve("tls")).sni(sni);
        int port = server.start().getPort();

        String failing = TlsPeer.run(sClient(port, "-tls1_3", "-servername", "down.example"), List.of("NOOP"), 500, 15);
        String unusable = TlsPeer.run(sClient(port, "-tls1_3", "-servername", "bad.example"), List.of("NOOP"), 500, 15);
        String plain = TlsPeer.run(sClient(port, "-tls1_3"), List.of("NOOP"), 500, 15);

        assertThat(failing).doesNotContain("subject=CN = mx.example.test").doesNotContain("250 2.0.0 Ok");
        assertThat(unusable).doesNotContain("subject=CN = mx.example.test").doesNotContain("250 2.0.0 Ok");
        assertThat(plain).contains("subject=CN = mx.example.test").contains("250 2.0.0 Ok");
        assertThat(log.text()).contains("warning: tls_server_sni_maps: down.example map lookup problem")
                .contains("entry for \"bad.example\"");
    }

    /** A table that cannot answer for names under down.example (a database that is down). */
    private static final class FailingDict implements Dict {
        @Override
        public String type() {
            return "inline";
        }

        @Override
        public String name() {
            return "down";
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of();
        }

        @Override
        public LookupResult lookup(String key) {
            return key.endsWith("down.example") ? LookupResult.temporaryFailure("server down") : LookupResult.notFound();
        }
    }

    @Test
    void sessionsShouldBeResumedAndNotCountAsNew() throws Exception {
        int port = start("smtpd_tls_security_level = may");
        Path session12 = dir.resolve("s12");
        Path session13 = dir.resolve("s13");

        TlsPeer.run(sClient(port, "-tls1_2", "-sess_out", session12.toString()), List.of(), 800, 15);
        String again12 = TlsPeer.run(sClient(port, "-tls1_2", "-sess_in", session12.toString()), List.of(), 800, 15);
        TlsPeer.run(sClient(port, "-tls1_3", "-sess_out", session13.toString()), List.of("NOOP"), 800, 15);
        String again13 = TlsPeer.run(sClient(port, "-tls1_3", "-sess_in", session13.toString()), List.of(), 800, 15);

        assertThat(again12).contains("Reused, TLSv1.2");
        assertThat(again13).contains("Reused, TLSv1.3");
    }

    @Test
    void resumedTls12SessionShouldNotCountAgainstTheNewSessionRate() throws Exception {
        resumedSessionShouldPassTheRateLimit("-tls1_2");
    }

    @Test
    void resumedTls13SessionShouldNotCountAgainstTheNewSessionRate() throws Exception {
        resumedSessionShouldPassTheRateLimit("-tls1_3");
    }

    private void resumedSessionShouldPassTheRateLimit(String protocol) throws Exception {
        int port = start("smtpd_tls_security_level = may", "smtpd_client_new_tls_session_rate_limit = 1",
                "smtpd_client_event_limit_exceptions =");
        Path session = dir.resolve("session" + protocol);

        String first = TlsPeer.run(sClient(port, protocol, "-sess_out", session.toString()), List.of("NOOP"), 800, 15);
        String resumed = TlsPeer.run(sClient(port, protocol, "-sess_in", session.toString()), List.of("NOOP"), 800, 15);
        String fresh = TlsPeer.run(sClient(port, protocol), List.of("NOOP"), 800, 15);

        assertThat(first).contains("250 2.0.0 Ok");
        assertThat(resumed).contains("Reused").contains("250 2.0.0 Ok");
        assertThat(fresh).doesNotContain("250 2.0.0 Ok");
        // 2, not 3: the resumed session was not counted.
        assertThat(log.text()).contains("New TLS session rate limit exceeded: 2 from unknown[127.0.0.1]");
    }

    /** A table as a map, for tls_server_sni_maps. */
    private record MapDict(Map<String, String> entries) implements Dict {
        @Override
        public String type() {
            return "inline";
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of();
        }

        @Override
        public LookupResult lookup(String key) {
            String v = entries.get(key);
            return v == null ? LookupResult.notFound() : LookupResult.found(v);
        }
    }

    @Test
    void placeholderDirectoryShouldHoldOnlyTheTwoPemFiles() throws Exception {
        int port = start("smtpd_tls_security_level = may");
        TlsPeer.run(sClient(port), List.of(), 300, 15);

        try (var files = Files.list(dir.resolve("tls"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("smtpd-selfsigned-cert.pem", "smtpd-selfsigned-key.pem");
        }
    }
}
