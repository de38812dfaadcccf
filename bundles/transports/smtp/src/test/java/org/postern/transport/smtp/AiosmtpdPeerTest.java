// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.RequiredService;
import org.postern.transport.smtp.sts.TestCa;

/**
 * The smtp client's TLS levels against a receiving peer nobody here wrote: Debian's
 * python3-aiosmtpd, with STARTTLS required (--tlscert: MAIL before STARTTLS gets 530), without
 * TLS, and in wrapper mode (--smtpscert), each a private instance on 127.0.0.1. aiosmtpd offers
 * no DSN, so a delivery is RELAYED (Postfix: "relayed").
 */
class AiosmtpdPeerTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String MX = "mx.peer.test";

    @TempDir
    static Path dir;

    private static final List<Process> peers = new ArrayList<>();
    private static int starttlsPort;
    private static int plainPort;
    private static int wrapperPort;
    private static Path ca;
    private static Path otherCa;

    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(new ZoneDnsResolver().a(MX, "127.0.0.1"));

    @BeforeAll
    static void startPeers() throws Exception {
        boolean available = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import aiosmtpd").start().waitFor() == 0;
        RequiredService.assume(available, "python3-aiosmtpd is needed (apt-get install python3-aiosmtpd)");
        TestCa testCa = new TestCa("Peer test CA");
        TestCa.Issued issued = testCa.issue(MX);
        Path cert = Files.writeString(dir.resolve("cert.pem"), issued.chainPem());
        Path key = Files.writeString(dir.resolve("key.pem"), issued.keyPem());
        ca = Files.writeString(dir.resolve("ca.pem"), testCa.pem());
        otherCa = Files.writeString(dir.resolve("other-ca.pem"), new TestCa("Unrelated CA").pem());
        starttlsPort = start("starttls", "--tlscert", cert.toString(), "--tlskey", key.toString());
        plainPort = start("plain");
        wrapperPort = start("wrapper", "--smtpscert", cert.toString(), "--smtpskey", key.toString());
    }

    @AfterAll
    static void stopPeers() throws InterruptedException {
        for (Process p : peers) {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopAgent() {
        agent.deactivate();
    }

    private static int start(String name, String... tls) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
        command.addAll(List.of(tls));
        command.addAll(List.of("-c", "aiosmtpd.handlers.Mailbox", dir.resolve(name).toString()));
        peers.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return port;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IOException("aiosmtpd (" + name + ") did not start: " + Files.readString(dir.resolve(name + ".out")));
    }

    private RecipientResult deliver(int port, String... settings) {
        Requests r = Requests.to("[" + MX + "]:" + port);
        for (int i = 0; i < settings.length; i += 2) {
            r.set(settings[i], settings[i + 1]);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    private static long delivered(String peer) throws IOException {
        Path maildir = dir.resolve(peer).resolve("new");
        if (!Files.isDirectory(maildir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(maildir)) {
            return files.count();
        }
    }

    @Test
    void mayAndEncryptShouldUseStarttlsWhereThePeerRequiresIt() throws IOException {
        long before = delivered("starttls");

        assertThat(deliver(starttlsPort, "smtp_tls_security_level", "may").outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(deliver(starttlsPort, "smtp_tls_security_level", "encrypt").outcome()).isEqualTo(Outcome.RELAYED);

        assertThat(delivered("starttls") - before).isEqualTo(2);
    }

    // The JSSE client resumes an OpenSSL server's session (Python's ssl): verified once, reported once.
    @Test
    void verifiedSessionsShouldResumeWithTheSessionCacheAndBeReportedOnce() {
        List<org.postern.api.tls.TlsSessionResult> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent.addTlsReportSink(reported::add);
        String[] settings = {"smtp_tls_security_level", "verify", "smtp_tls_CAfile", ca.toString(),
            "smtp_tls_session_cache_database", "btree:/var/lib/postfix/smtp_scache",
            "smtp_connection_cache_on_demand", "no"};

        assertThat(deliver(starttlsPort, settings).outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(deliver(starttlsPort, settings).outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(deliver(starttlsPort, settings).outcome()).isEqualTo(Outcome.RELAYED);

        assertThat(reported).singleElement().satisfies(r -> assertThat(r.successful()).isTrue());
    }

    @Test
    void aPeerWithoutStarttlsShouldGetMailAtMayAndNoneAtEncrypt() throws IOException {
        long before = delivered("plain");

        assertThat(deliver(plainPort, "smtp_tls_security_level", "may").outcome()).isEqualTo(Outcome.RELAYED);
        RecipientResult encrypt = deliver(plainPort, "smtp_tls_security_level", "encrypt");

        assertThat(encrypt.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(encrypt.diagnostic()).isEqualTo("TLS is required, but was not offered by host " + MX + "[127.0.0.1]");
        assertThat(delivered("plain") - before).isEqualTo(1);
    }

    @Test
    void verifyAndSecureShouldDeliverOnlyToACertificateTheyTrustForTheRightName() throws IOException {
        long before = delivered("starttls");

        assertThat(deliver(starttlsPort, "smtp_tls_security_level", "verify", "smtp_tls_CAfile", ca.toString())
                .outcome()).isEqualTo(Outcome.RELAYED);
        assertThat(deliver(starttlsPort, "smtp_tls_security_level", "secure", "smtp_tls_CAfile", ca.toString())
                .outcome()).isEqualTo(Outcome.RELAYED);
        RecipientResult untrusted = deliver(starttlsPort, "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", otherCa.toString());
        RecipientResult wrongName = deliver(starttlsPort, "smtp_tls_security_level", "secure",
                "smtp_tls_CAfile", ca.toString(), "smtp_tls_secure_cert_match", "mx.elsewhere.test");

        assertThat(untrusted.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(untrusted.diagnostic()).isEqualTo("Server certificate not verified");
        assertThat(wrongName.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(wrongName.diagnostic()).isEqualTo("Server certificate not verified");
        assertThat(delivered("starttls") - before).isEqualTo(2);
    }

    @Test
    void wrapperModeShouldSpeakTlsFromTheFirstByte() throws IOException {
        long before = delivered("wrapper");

        RecipientResult result = deliver(wrapperPort, "smtp_tls_wrappermode", "yes", "smtp_tls_security_level", "verify",
                "smtp_tls_CAfile", ca.toString());

        assertThat(result.outcome()).as(result.diagnostic()).isEqualTo(Outcome.RELAYED);
        assertThat(delivered("wrapper") - before).isEqualTo(1);
    }
}
