// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.postern.itest.Distribution.Run;
import org.postern.testing.DkimVerifier;
import org.postern.testing.dns.SignedDns;
import org.postern.testing.dns.TestZone;

/**
 * TLSRPT end to end: deliveries under DANE (matching, mismatching, an MX without STARTTLS) are
 * counted; tlsrpt-send mails the reports (DKIM-signed, checked by python3-dkim) to a
 * python3-aiosmtpd sink and POSTs them to an HTTPS endpoint, each as its TLSRPT record in DNS
 * (nsd + unbound) asks; the report mails are not counted again. Then the bundle is swapped under
 * a stream of mail: nothing counted is lost, delivery goes on, nothing is logged as an error.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class TlsRptIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static SignedDns dns;
    private static Process sink;
    private static Process plainSink;
    private static Path maildir;
    private static HttpsServer https;
    private static final List<String[]> posts = new CopyOnWriteArrayList<>();
    private static Distribution distribution;

    @BeforeClass
    public static void setUp() throws Exception {
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/nsd")) && Files.isExecutable(Path.of("/usr/sbin/unbound"))
                && Files.isExecutable(Path.of("/usr/bin/ldns-signzone")) && Files.isExecutable(Path.of("/usr/bin/openssl"))
                && Files.isExecutable(Path.of("/usr/sbin/opendkim-genkey"))
                && new ProcessBuilder("/usr/bin/python3", "-c", "import aiosmtpd, dkim").start().waitFor() == 0;
        if (!tools && Boolean.getBoolean("postern.itest.requireServices")) {
            fail("nsd, unbound, ldnsutils, openssl, opendkim-tools, python3-aiosmtpd and python3-dkim are needed");
        }
        Assume.assumeTrue("skipped: apt-get install nsd unbound ldnsutils openssl opendkim-tools python3-aiosmtpd"
                + " python3-dkim", tools);
        work = Files.createTempDirectory("tlsrpt-it");
        int sinkPort = Distribution.freePort();
        int plainPort = Distribution.freePort();
        String spki = certificate("sink", "/CN=mx.dane.test", "");
        certificate("https", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1");
        startHttps();
        String reportUrl = "https://127.0.0.1:" + https.getAddress().getPort() + "/tlsrpt";
        String tlsa = "_" + sinkPort + "._tcp.mx";
        Path zones = Files.createDirectory(work.resolve("zones"));
        dns = SignedDns.start(zones, List.of(
                TestZone.signed("dane.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1", tlsa + " IN TLSA 3 1 1 " + spki,
                        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test," + reportUrl + "\""),
                TestZone.signed("wrong.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1",
                        tlsa + " IN TLSA 3 1 1 " + "00".repeat(32),
                        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\""),
                TestZone.signed("notls.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1",
                        "_" + plainPort + "._tcp.mx IN TLSA 3 1 1 " + spki,
                        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=" + reportUrl + "\""),
                TestZone.signed("reports.test", "@ IN MX 10 mx", "mx IN A 127.0.0.1",
                        "_smtp._tls IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\"")));
        maildir = work.resolve("maildir");
        sink = aiosmtpd(sinkPort, true, maildir, "sink.out");
        plainSink = aiosmtpd(plainPort, false, work.resolve("plain-maildir"), "plain.out");
        Process genkey = new ProcessBuilder("/usr/sbin/opendkim-genkey", "-D", work.toString(), "-d", "sender.test",
                "-s", "rpt").redirectErrorStream(true).start();
        genkey.getInputStream().readAllBytes();
        assertEquals(0, genkey.waitFor());

        distribution = Distribution.unpackIn(Files.createDirectory(work.resolve("dist")));
        distribution.listenOn(Distribution.freePort());
        distribution.edit("etc/postern/main.cf", "\\z", "\nsmtp_tcp_port = " + sinkPort
                + "\nsmtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n"
                + "dns_servers = 127.0.0.1:" + dns.resolverPort() + "\ndnssec_probe = ns:dane.test\n"
                + "transport_maps = inline:{notls.test=smtp:notls.test:" + plainPort + "}\n"
                + "mydomain = sender.test\n"
                + "smtp_connection_cache_on_demand = no\n"           // one TLS session per message: countable
                + "tlsrpt_send_time = 23:59\ntlsrpt_send_jitter = 0\n" // tlsrpt-send, not the daily run, sends here
                + "tlsrpt_organization_name = Postern TLSRPT test\n"
                + "tlsrpt_dkim_key_file = " + work.resolve("rpt.private") + "\ntlsrpt_dkim_selector = rpt\n"
                + "tlsrpt_https_CAfile = " + work.resolve("https-cert.pem") + "\n");
        assertEquals(0, distribution.run("bin/postfix", "start").status());
        Run install = distribution.console("feature:install postern-tlsrpt");
        assertEquals(install.toString(), 0, install.status());
    }

    @AfterClass
    public static void tearDown() throws Exception {
        if (distribution != null) {
            distribution.stop();
        }
        for (Process p : new Process[] {sink, plainSink}) {
            if (p != null) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (https != null) {
            https.stop(0);
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    public void a_sessionsAreCountedAndTheReportsGoToEveryRuaOnce() throws Exception {
        awaitConsole("tlsrpt-status");
        send("bob@dane.test", "dane matching");
        send("bob@wrong.test", "dane mismatching");
        send("bob@notls.test", "no starttls");
        QueueWatch.awaitDelivered(distribution, maildir, "dane matching");
        QueueWatch.awaitDeferred(distribution, "bob@wrong.test", "Server certificate not verified");
        QueueWatch.awaitDeferred(distribution, "bob@notls.test", "TLS is required, but was not offered");

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<JsonNode> shown = reports(distribution.run("bin/tlsrpt-show", "--date", today.toString()));
        assertEquals(1, summary(shown, "dane.test", "tlsa", "total-successful-session-count"));
        assertTrue(summary(shown, "wrong.test", "tlsa", "total-failure-session-count") >= 1);
        assertTrue(failureTypes(shown, "notls.test").contains("starttls-not-supported"));

        // Counted, and kill -9 a second later: the counts are on disk already.
        send("bob@dane.test", "before the kill");
        QueueWatch.awaitDelivered(distribution, maildir, "before the kill");
        Thread.sleep(1500);
        long pid = Long.parseLong(Files.readString(distribution.home().resolve("karaf.pid")).strip());
        assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor());
        awaitGone(pid);

        // The day must be over before its report goes: the test moves today's counts to yesterday.
        Path counts = distribution.home().resolve("data/postern/tlsrpt/counts");
        Files.move(counts.resolve(today + ".jsonl"), counts.resolve(today.minusDays(1) + ".jsonl"),
                StandardCopyOption.ATOMIC_MOVE);
        assertEquals(0, distribution.run("bin/postfix", "start").status());
        awaitConsole("tlsrpt-status");

        Run sent = distribution.run("bin/tlsrpt-send");
        assertEquals(sent.toString(), 0, sent.status());
        assertTrue(sent.out(), sent.out().contains("dane.test " + today.minusDays(1) + ": report "));
        List<MimeMessage> mailed = awaitReportMails(2);
        List<String> domains = new ArrayList<>();
        for (MimeMessage m : mailed) {
            domains.add(m.getHeader("TLS-Report-Domain", null));
            assertEquals("sender.test", m.getHeader("TLS-Report-Submitter", null));
            assertTrue(m.getContentType(), m.getContentType().contains("report-type=\"tlsrpt\""));
            JsonNode report = attachedReport(m);
            assertEquals(today.minusDays(1) + "T00:00:00Z", report.at("/date-range/start-datetime").asText());
            assertEquals("Postern TLSRPT test", report.get("organization-name").asText());
            if (m.getHeader("TLS-Report-Domain", null).equals("dane.test")) {
                assertEquals("both sessions, the one just before kill -9 too", 2,
                        summary(List.of(report), "dane.test", "tlsa", "total-successful-session-count"));
            }
        }
        assertEquals(List.of("dane.test", "wrong.test"), domains.stream().sorted().toList());
        awaitPosts(2);
        List<String> posted = new ArrayList<>();
        for (String[] post : posts) {
            assertEquals("application/tlsrpt+gzip", post[0]);
            posted.add(JSON.readTree(post[1]).at("/policies/0/policy/policy-domain").asText());
        }
        assertEquals(List.of("dane.test", "notls.test"), posted.stream().sorted().toList());

        Run status = distribution.run("bin/tlsrpt-status");
        assertTrue(status.out(), status.out().contains("delivered: dane.test " + today.minusDays(1) + " " + "mailto:tlsrpt@reports.test"));
        assertTrue(status.out(), status.out().contains("delivered: notls.test " + today.minusDays(1) + " https://127.0.0.1:"));
        Run again = distribution.run("bin/tlsrpt-send");
        assertEquals("nothing is sent twice: " + again, 1, again.status());

        // The report mails went over TLS to reports.test: they are not counted in a report.
        Run aboutReports = distribution.run("bin/tlsrpt-show", "--date", today.toString(), "--domain", "reports.test");
        assertEquals(aboutReports.toString(), 1, aboutReports.status());
    }

    @Test
    public void b_swappingTheBundleLosesNoCountAndNeverStopsDelivery() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int before = successes(today);
        for (int i = 0; i < 5; i++) {
            send("dave@dane.test", "before update " + i);
        }
        for (int i = 0; i < 5; i++) {
            QueueWatch.awaitDelivered(distribution, maildir, "before update " + i);
        }
        // Within the second the counts wait in memory: the update must save them on its way out.
        Run update = distribution.console("bundle:update postern-tlsrpt");
        assertEquals(update.toString(), 0, update.status());
        awaitConsole("tlsrpt-status");
        assertEquals(before + 5, successes(today));

        assertEquals("tlsrpt_store = file\n", distribution.run("bin/postconf", "-d", "tlsrpt_store").out());
        Run uninstall = distribution.console("feature:uninstall postern-tlsrpt");
        assertEquals(uninstall.toString(), 0, uninstall.status());
        Run unknown = distribution.run("bin/postconf", "-d", "tlsrpt_store");
        assertTrue("without the feature the parameter is unknown: " + unknown,
                unknown.err().contains("unknown parameter") || unknown.out().isEmpty());
        for (int i = 0; i < 5; i++) {
            send("erin@dane.test", "without tlsrpt " + i);
        }
        for (int i = 0; i < 5; i++) {
            QueueWatch.awaitDelivered(distribution, maildir, "without tlsrpt " + i);
        }
        Run install = distribution.console("feature:install postern-tlsrpt");
        assertEquals(install.toString(), 0, install.status());
        awaitConsole("tlsrpt-status");
        assertEquals("the stored counts are intact, the sessions without the bundle not counted", before + 5,
                successes(today));

        Thread stream = new Thread(() -> {
            try {
                for (int i = 0; i < 10; i++) {
                    send("frank@dane.test", "during update " + i);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        stream.start();
        assertEquals(0, distribution.console("bundle:update postern-tlsrpt").status());
        stream.join(120_000);
        for (int i = 0; i < 10; i++) {
            QueueWatch.awaitDelivered(distribution, maildir, "during update " + i);
        }
        awaitConsole("tlsrpt-status");
        int after = successes(today);
        assertTrue("counted before and during the update: " + after, after >= before + 5 && after <= before + 15);
        String log = Files.readString(distribution.home().resolve("data/log/karaf.log"));
        assertTrue("no error logged", log.lines().noneMatch(l -> l.contains("ERROR") && l.toLowerCase(Locale.ROOT).contains("tlsrpt")));
    }

    private static int successes(LocalDate day) throws Exception {
        Run shown = distribution.run("bin/tlsrpt-show", "--date", day.toString(), "--domain", "dane.test");
        if (shown.status() == 1) {
            return 0;
        }
        return summary(reports(shown), "dane.test", "tlsa", "total-successful-session-count");
    }

    private static List<JsonNode> reports(Run shown) throws IOException {
        assertEquals(shown.toString(), 0, shown.status());
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(shown.out())) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static int summary(List<JsonNode> reports, String domain, String type, String field) {
        int n = 0;
        for (JsonNode r : reports) {
            for (JsonNode p : r.get("policies")) {
                if (p.at("/policy/policy-domain").asText().equals(domain) && p.at("/policy/policy-type").asText().equals(type)) {
                    n += p.at("/summary/" + field).asInt();
                }
            }
        }
        return n;
    }

    private static List<String> failureTypes(List<JsonNode> reports, String domain) {
        List<String> types = new ArrayList<>();
        for (JsonNode r : reports) {
            for (JsonNode p : r.get("policies")) {
                if (p.at("/policy/policy-domain").asText().equals(domain)) {
                    p.get("failure-details").forEach(d -> types.add(d.get("result-type").asText()));
                }
            }
        }
        return types;
    }

    private static void awaitGone(long pid) throws InterruptedException {
        for (int i = 0; i < 100 && ProcessHandle.of(pid).isPresent(); i++) {
            Thread.sleep(100);
        }
    }

    /** Waits until the console answers postern: commands (after start or a swap). */
    private static void awaitConsole(String tool) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        Run r = null;
        while (System.currentTimeMillis() < deadline) {
            r = distribution.run("bin/" + tool);
            if (r.status() == 0) {
                return;
            }
            Thread.sleep(500);
        }
        fail(tool + " did not answer: " + r);
    }

    private static Process aiosmtpd(int port, boolean tls, Path mailbox, String log) throws IOException {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
        if (tls) {
            argv.addAll(List.of("--tlscert", work.resolve("sink-cert.pem").toString(), "--tlskey",
                    work.resolve("sink-key.pem").toString()));
        }
        argv.addAll(List.of("-c", "aiosmtpd.handlers.Mailbox", mailbox.toString()));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(work.resolve(log).toFile()).start();
    }

    /** A self-signed P-256 certificate (openssl) as NAME-cert.pem / NAME-key.pem; the SHA-256 of its public key. */
    private static String certificate(String name, String subject, String extension) throws Exception {
        List<String> argv = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-subj", subject, "-days", "2",
                "-keyout", work.resolve(name + "-key.pem").toString(), "-out", work.resolve(name + "-cert.pem").toString()));
        if (!extension.isEmpty()) {
            argv.addAll(List.of("-addext", extension));
        }
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        try (InputStream in = Files.newInputStream(work.resolve(name + "-cert.pem"))) {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()))
                    .toUpperCase(Locale.ROOT);
        }
    }

    /** The JDK's HTTPS server as the https: rua, keeping each POST's Content-Type and gunzipped body. */
    private static void startHttps() throws Exception {
        Process p12 = new ProcessBuilder("openssl", "pkcs12", "-export", "-in", work.resolve("https-cert.pem").toString(),
                "-inkey", work.resolve("https-key.pem").toString(), "-out", work.resolve("https.p12").toString(),
                "-passout", "pass:itest").redirectErrorStream(true).start();
        p12.getInputStream().readAllBytes();
        assertEquals(0, p12.waitFor());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(work.resolve("https.p12"))) {
            keys.load(in, "itest".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "itest".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/tlsrpt", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String json;
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                json = "not gzip: " + e;
            }
            posts.add(new String[] {exchange.getRequestHeaders().getFirst("Content-Type"), json});
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        https.start();
    }

    private static void send(String rcpt, String subject) throws Exception {
        Path m = Files.createTempFile(work, "msg", ".txt");
        Files.writeString(m, "Subject: " + subject + "\n\nTLSRPT test\n");
        Run sent = distribution.runWithInput(m, "bin/sendmail", "-f", "alice@sender.test", rcpt);
        assertEquals(sent.toString(), 0, sent.status());
    }

    /** The report mails at the sink, each DKIM-verified by python3-dkim. */
    private static List<MimeMessage> awaitReportMails(int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            List<MimeMessage> found = new ArrayList<>();
            for (Path f : QueueWatch.messages(maildir)) {
                byte[] raw = Files.readAllBytes(f);
                if (new String(raw, StandardCharsets.ISO_8859_1).contains("TLS-Report-Domain:")) {
                    DkimVerifier.Result verdict = DkimVerifier.verify(raw, work.resolve("rpt.txt"));
                    assertTrue(verdict.output(), verdict.verified());
                    found.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
                }
            }
            if (found.size() >= count) {
                assertEquals("one mail per mailto: report", count, found.size());
                return found;
            }
            if (System.currentTimeMillis() > deadline) {
                fail(found.size() + " report mails arrived; mailq: " + distribution.run("bin/mailq").out());
            }
            Thread.sleep(250);
        }
    }

    private static void awaitPosts(int count) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (posts.size() < count) {
            if (System.currentTimeMillis() > deadline) {
                fail(posts.size() + " POSTs arrived; status: " + distribution.run("bin/tlsrpt-status").out());
            }
            Thread.sleep(250);
        }
        Thread.sleep(500);
        assertEquals("one POST per https: report", count, posts.size());
    }

    private static JsonNode attachedReport(MimeMessage m) throws Exception {
        Multipart parts = (Multipart) m.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            Part part = parts.getBodyPart(i);
            if (part.isMimeType("application/tlsrpt+gzip")) {
                assertTrue(part.getFileName(), part.getFileName().startsWith("sender.test!" + m.getHeader("TLS-Report-Domain", null) + "!"));
                try (InputStream in = new GZIPInputStream(part.getInputStream())) {
                    return JSON.readTree(in);
                }
            }
        }
        throw new AssertionError("no application/tlsrpt+gzip part");
    }
}
