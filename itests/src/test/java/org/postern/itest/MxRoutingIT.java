// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;

/**
 * The wired MTA inside Karaf with DNS answered by a DnsResolver service this test registers
 * (ranked above dnsjava): mail for mx-test.example goes to its MX hosts in preference order;
 * the first (10, on 127.0.0.3) refuses connections, the second (20, on 127.0.0.1) is an SMTP
 * server of the test, which must receive the message.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MxRoutingIT extends PosternKarafSupport {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return posternDistribution();
    }

    /** Answers for the test domain only; records every question. */
    static final class TestZone implements DnsResolver {
        final List<String> questions = new CopyOnWriteArrayList<>();

        @Override
        public DnsResult lookup(String name, DnsRecordType type) {
            String n = name.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.$", "");
            questions.add(n + " " + type);
            if (n.equals("mx-test.example") && type == DnsRecordType.MX) {
                return new DnsResult.Answer(List.of(
                        new DnsRecord(n, DnsRecordType.MX, 60, 20, "mx2.mx-test.example"),
                        new DnsRecord(n, DnsRecordType.MX, 60, 10, "mx1.mx-test.example")), false);
            }
            if (n.equals("mx1.mx-test.example") && type == DnsRecordType.A) {
                return new DnsResult.Answer(List.of(new DnsRecord(n, DnsRecordType.A, 60, 0, "127.0.0.3")), false);
            }
            if (n.equals("mx2.mx-test.example") && type == DnsRecordType.A) {
                return new DnsResult.Answer(List.of(new DnsRecord(n, DnsRecordType.A, 60, 0, "127.0.0.1")), false);
            }
            if (n.endsWith("mx-test.example")) {
                return new DnsResult.NoData(false);
            }
            return new DnsResult.NoSuchDomain(false);
        }
    }

    @Test
    public void mailGoesToTheMxHostsInPreferenceOrder() throws Exception {
        TestZone zone = new TestZone();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, Integer.MAX_VALUE);
        props.put(DnsResolver.RESOLVER_PROPERTY, "itest");
        ServiceRegistration<DnsResolver> registration = context.registerService(DnsResolver.class, zone, props);
        try (ScriptedMailServer sink = new ScriptedMailServer(false, rcpt -> "250 2.1.5 Ok")) {
            Path mainCf = Path.of(System.getProperty("karaf.etc"), "postern", "main.cf");
            Files.writeString(mainCf, "\nsmtp_tcp_port = " + sink.port() + "\nsmtp_tls_security_level = none\n",
                    StandardOpenOption.APPEND);
            assertEquals(0, run("postern:reload").status());

            String subject = "mx " + UUID.randomUUID();
            Path message = Files.createTempFile("mx-it", ".eml");
            Files.writeString(message, "From: alice@example.org\nTo: bob@mx-test.example\nSubject: " + subject + "\n\nhello\n");
            Result sendmail = run("postern:sendmail -f alice@example.org bob@mx-test.example",
                    Map.of("POSTERN_STDIN_FILE", message.toString()));
            assertEquals(sendmail.toString(), 0, sendmail.status());

            long deadline = System.currentTimeMillis() + 60_000;
            while (sink.received.stream().noneMatch(r -> r.content().contains("Subject: " + subject))) {
                if (System.currentTimeMillis() > deadline) {
                    fail("the MX host did not receive the message; DNS questions: " + zone.questions
                            + "\nmailq: " + run("postern:mailq").out());
                }
                Thread.sleep(200);
            }
            ScriptedMailServer.Received r = sink.received.stream()
                    .filter(m -> m.content().contains("Subject: " + subject)).findFirst().orElseThrow();
            assertEquals(List.of("bob@mx-test.example"), r.rcptTo());
            int mx1 = zone.questions.indexOf("mx1.mx-test.example A");
            int mx2 = zone.questions.indexOf("mx2.mx-test.example A");
            assertTrue(zone.questions.toString(), zone.questions.contains("mx-test.example MX"));
            assertTrue("the preferred MX is tried first: " + zone.questions, mx1 >= 0 && (mx2 < 0 || mx1 < mx2));
        } finally {
            registration.unregister();
        }
    }
}
