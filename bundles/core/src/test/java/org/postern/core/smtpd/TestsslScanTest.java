// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.smtpd.tls.TestPki;

/**
 * testssl.sh against the three kinds of listener the distribution ships (STARTTLS may on
 * 3425, STARTTLS encrypt on 3487, wrapper mode on 3465), each with a CA-signed RSA and ECDSA
 * pair. Slow (minutes): runs only with -Dpostern.testssl=true; the reports go to
 * target/testssl/. Fails on any finding rated MEDIUM or worse other than those of the test
 * CA not being a public one.
 */
class TestsslScanTest {

    @TempDir
    Path dir;

    @Test
    void listenersShouldHaveNoMediumOrWorseFinding() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("postern.testssl"), "set -Dpostern.testssl=true to run testssl.sh");
        TlsPeer.require("testssl", "testssl.sh");
        TestPki pki = new TestPki();
        TestPki.Issued rsa = pki.issue("localhost", TestPki.rsa());
        TestPki.Issued ec = pki.issue("localhost", TestPki.ec());
        Path chain = TestPki.pem(dir.resolve("chain.pem"), rsa.keys(), rsa.certificate(), pki.ca.certificate(),
                ec.keys(), ec.certificate(), pki.ca.certificate());
        Path reports = Files.createDirectories(Path.of("target", "testssl"));
        List<SmtpServer> servers = new ArrayList<>();
        List<String> findings = new ArrayList<>();
        try {
            servers.add(server(3425, "smtpd_tls_security_level = may", "smtpd_tls_chain_files = " + chain));
            servers.add(server(3487, "smtpd_tls_security_level = encrypt", "smtpd_tls_chain_files = " + chain));
            servers.add(server(3465, "smtpd_tls_wrappermode = yes", "smtpd_tls_chain_files = " + chain));
            for (int port : new int[] {3425, 3487, 3465}) {
                Path json = reports.resolve("port-" + port + ".json");
                Files.deleteIfExists(json);
                List<String> cmd = new ArrayList<>(List.of("testssl", "--quiet", "--color", "0", "--warnings", "off",
                        "--severity", "MEDIUM", "--jsonfile", json.toString()));
                if (port != 3465) {
                    cmd.addAll(List.of("--starttls", "smtp"));
                }
                cmd.add("127.0.0.1:" + port);
                String out = TlsPeer.run(cmd, List.of(), 0, 900);
                Files.writeString(reports.resolve("port-" + port + ".txt"), out);
                // One finding per JSON object: its id comes before its severity.
                String id = "";
                for (String line : Files.readAllLines(json)) {
                    if (line.contains("\"id\"")) {
                        id = line.trim();
                    }
                    if (line.matches(".*\"severity\"\\s*:\\s*\"(MEDIUM|HIGH|CRITICAL)\".*") && !isAboutTheTestCa(id)) {
                        findings.add(port + ": " + id + " " + line.trim());
                    }
                }
            }
        } finally {
            for (SmtpServer s : servers) {
                s.stop(1, TimeUnit.SECONDS);
            }
        }
        assertThat(findings).isEmpty();
    }

    /** The test CA is unknown to testssl's trust stores; that is expected, not a finding about Postern. */
    private static boolean isAboutTheTestCa(String line) {
        return line.contains("\"cert_chain_of_trust") || line.contains("\"cert_revocation")
                || line.contains("\"cert_ocspURL") || line.contains("\"cert_crlDistributionPoints")
                || line.contains("\"DNS_CAArecord");
    }

    private SmtpServer server(int port, String... mainCf) throws Exception {
        SmtpServer s = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", port), TestConfigs.config(mainCf),
                new ScriptedChecks(), new InMemoryQueueStore(), dir.resolve("tls"));
        s.start();
        return s;
    }
}
