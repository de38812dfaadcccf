// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.postern.itest.Distribution.Run;
import org.postern.testing.dns.SignedDns;
import org.postern.testing.dns.TestZone;

/**
 * DANE end to end with DNS software nobody here wrote: zones signed with ldns-signzone, served
 * by nsd, validated by unbound (Postern's dns_servers) or by Postern itself
 * (dnssec_validation = local, pointed straight at nsd); the MX is Debian's python3-aiosmtpd
 * with STARTTLS required. A matching TLSA record delivers, a mismatching or bogus one defers
 * with nothing sent, an unsigned zone falls back to opportunistic TLS. A TLSA lookup that gets
 * SERVFAIL defers with nothing sent; an MX host that is a CNAME uses the expanded name's TLSA
 * records.
 */
public class DaneIT {

    private static Path work;
    private static SignedDns dns;
    private static Process sink;
    private static Path maildir;
    private static Distribution distribution;

    @BeforeClass
    public static void setUp() throws Exception {
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/nsd")) && Files.isExecutable(Path.of("/usr/sbin/unbound"))
                && Files.isExecutable(Path.of("/usr/bin/ldns-signzone")) && Files.isExecutable(Path.of("/usr/bin/openssl"))
                && new ProcessBuilder("/usr/bin/python3", "-c", "import aiosmtpd").start().waitFor() == 0;
        if (!tools && Boolean.getBoolean("postern.itest.requireServices")) {
            fail("nsd, unbound, ldnsutils, openssl and python3-aiosmtpd are needed");
        }
        Assume.assumeTrue("skipped: apt-get install nsd unbound ldnsutils openssl python3-aiosmtpd", tools);
        work = Files.createTempDirectory("dane-it");
        int sinkPort = Distribution.freePort();
        String spki = sinkCertificate();
        String tlsa = "_" + sinkPort + "._tcp.mx";
        Path zones = Files.createDirectory(work.resolve("zones"));
        dns = SignedDns.start(zones, List.of(
                TestZone.signed("dane.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1", tlsa + " IN TLSA 3 1 1 " + spki),
                TestZone.signed("wrong.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1", tlsa + " IN TLSA 3 1 1 " + "00".repeat(32)),
                TestZone.bogus("bogus.test", "TLSA\t3 1 1 " + spki.substring(0, 8).toLowerCase(java.util.Locale.ROOT),
                        "TLSA\t3 1 1 ffffffff",
                        "@ IN MX 10 mx", "mx IN A 127.0.0.1", tlsa + " IN TLSA 3 1 1 " + spki),
                TestZone.unsigned("plain.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1", tlsa + " IN TLSA 3 1 1 " + "00".repeat(32)),
                // The MX host is a CNAME into dane.test: its TLSA records are looked up at the
                // expanded name first (RFC 7672 section 2.2.2); the original name's record is wrong.
                TestZone.signed("cname.test", "@ IN MX 10 mail", "mail IN CNAME mx.dane.test.",
                        "_" + sinkPort + "._tcp.mail IN TLSA 3 1 1 " + "00".repeat(32)),
                // _tcp.mx is delegated to a zone nsd cannot load: nsd, and so unbound, answer
                // SERVFAIL for the TLSA lookup (no validation failure, the server fails).
                TestZone.signed("servfail.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1", "_tcp.mx IN NS ns"),
                TestZone.unsigned("_tcp.mx.servfail.test", "this line is not a record")));
        maildir = work.resolve("maildir");
        sink = new ProcessBuilder("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + sinkPort,
                "--tlscert", work.resolve("cert.pem").toString(), "--tlskey", work.resolve("key.pem").toString(),
                "-c", "aiosmtpd.handlers.Mailbox", maildir.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("sink.out").toFile()).start();
        distribution = Distribution.unpackIn(Files.createDirectory(work.resolve("dist")));
        distribution.listenOn(Distribution.freePort());
        distribution.edit("etc/postern/main.cf", "\\z", "\nsmtp_tcp_port = " + sinkPort
                + "\nsmtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n"
                + "smtp_tls_loglevel = 1\n"   // the "... TLS connection established" lines, as Postfix from 1
                + "dns_servers = 127.0.0.1:" + dns.resolverPort() + "\ndnssec_probe = ns:dane.test\n");
        assertEquals(0, distribution.run("bin/postfix", "start").status());
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        if (sink != null) {
            sink.destroy();
            sink.waitFor(10, TimeUnit.SECONDS);
        }
        if (dns != null) {
            dns.close();
        }
    }

    /** A self-signed P-256 certificate for the sink (openssl); the SHA-256 of its public key, in hex. */
    private static String sinkCertificate() throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-subj", "/CN=mx.dane.test", "-days", "2", "-keyout", work.resolve("key.pem").toString(),
                "-out", work.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        try (InputStream in = Files.newInputStream(work.resolve("cert.pem"))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()))
                    .toUpperCase(java.util.Locale.ROOT);
        }
    }

    private static void send(String rcpt, String subject) throws Exception {
        Path m = Files.createTempFile(work, "msg", ".txt");
        Files.writeString(m, "Subject: " + subject + "\n\nDANE test\n");
        Run sent = distribution.runWithInput(m, "bin/sendmail", "-f", "alice@example.org", rcpt);
        assertEquals(sent.toString(), 0, sent.status());
    }

    @Test
    public void daneDecidesEachDomainFromItsValidatedTlsaRecords() throws Exception {
        // 1. unbound validates (dns_servers), Postern reads its AD bit, as Postfix does.
        send("bob@dane.test", "dane matching");
        send("bob@wrong.test", "dane mismatching");
        send("bob@bogus.test", "dane bogus");
        send("bob@plain.test", "unsigned");

        send("bob@cname.test", "dane cname");
        send("bob@servfail.test", "dane servfail");

        QueueWatch.awaitDelivered(distribution, maildir, "dane matching");
        QueueWatch.awaitDelivered(distribution, maildir, "unsigned");
        QueueWatch.awaitDelivered(distribution, maildir, "dane cname");
        QueueWatch.awaitDeferred(distribution, "bob@wrong.test", "Server certificate not verified");
        QueueWatch.awaitDeferred(distribution, "bob@bogus.test", "TLSA lookup error");
        QueueWatch.awaitDeferred(distribution, "bob@servfail.test", "TLSA lookup error");
        assertTrue("nothing of a deferred message reached the MX", !QueueWatch.delivered(maildir, "dane mismatching")
                && !QueueWatch.delivered(maildir, "dane bogus") && !QueueWatch.delivered(maildir, "dane servfail"));
        Path logs = distribution.home().resolve("data/log");
        assertTrue(Files.readString(logs.resolve("karaf.log")).contains(
                "DNSSEC validation is available: dnssec_probe 'ns:dane.test' received a DNSSEC-validated response"));
        String mailLog = Files.readString(logs.resolve("mail.log"));
        assertTrue(mailLog, mailLog.contains("Verified TLS connection established to mx.dane.test[127.0.0.1]"));
        assertTrue(mailLog, mailLog.contains("Untrusted TLS connection established to mx.plain.test[127.0.0.1]"));
        assertTrue(mailLog, mailLog.contains("Verified TLS connection established to mail.cname.test[127.0.0.1]"));

        // 2. The same in the JVM (dnssec_validation = local), asking nsd directly: no validating resolver.
        distribution.edit("etc/postern/main.cf", "\\z", "\ndns_servers = 127.0.0.1:" + dns.authoritativePort()
                + "\ndnssec_validation = local\ndnssec_trust_anchor_file = " + dns.trustAnchors() + "\n");
        Run reload = distribution.run("bin/postfix", "reload");
        assertEquals(reload.toString(), 0, reload.status());

        send("carol@dane.test", "local matching");
        send("carol@wrong.test", "local mismatching");
        send("carol@bogus.test", "local bogus");
        send("carol@cname.test", "local cname");
        send("carol@servfail.test", "local servfail");

        QueueWatch.awaitDelivered(distribution, maildir, "local matching");
        QueueWatch.awaitDelivered(distribution, maildir, "local cname");
        QueueWatch.awaitDeferred(distribution, "carol@wrong.test", "Server certificate not verified");
        QueueWatch.awaitDeferred(distribution, "carol@bogus.test", "TLSA lookup error");
        QueueWatch.awaitDeferred(distribution, "carol@servfail.test", "TLSA lookup error");
        assertTrue(!QueueWatch.delivered(maildir, "local mismatching") && !QueueWatch.delivered(maildir, "local bogus")
                && !QueueWatch.delivered(maildir, "local servfail"));
    }
}
