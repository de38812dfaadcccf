// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.testing.MapDictRegistry;
import org.postern.testing.RequiredService;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.postern.tlsrpt.store.PgsqlStore;
import org.postern.tlsrpt.store.TlsRptStore;

/**
 * Two nodes counting for the same domain into one PostgreSQL store (the machine's, database
 * "test", tables of this run's own prefix) and both running their daily send at once: one
 * report goes out, with both nodes' counts.
 */
class TwoNodesOneReportTest {

    private static final int PORT = 5432;
    private static final ReportKey KEY = new ReportKey("example.com", LocalDate.of(2026, 12, 5));

    @TempDir
    Path dir;
    private final String prefix = "two_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    private Path cf;

    @BeforeEach
    void configure() throws IOException {
        RequiredService.assumeListening(PORT, "PostgreSQL (apt-get install postgresql)");
        cf = Files.writeString(dir.resolve("tlsrpt-pgsql.cf"), "hosts = 127.0.0.1:" + PORT
                + "\nuser = postgres\ndbname = test\ntable_prefix = " + prefix + "\ntimeout = 5\n");
    }

    @AfterEach
    void dropTables() throws SQLException {
        if (cf == null) {
            return;
        }
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        try (Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + PORT + "/test", p);
             Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT tablename FROM pg_tables WHERE tablename LIKE '" + prefix + "%'")) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t + " CASCADE");
            }
        }
    }

    private static Tally sessions(int successes, int failures) {
        Tally t = new Tally();
        for (int i = 0; i < successes + failures; i++) {
            t.record(new TlsSessionResult(Instant.parse("2026-12-05T12:00:00Z"), "example.com", PolicyType.NO_POLICY_FOUND,
                    List.of(), List.of(), "mx.example.com", "", "192.0.2.1", "198.51.100.1",
                    i < successes ? Optional.empty() : Optional.of(FailureType.STARTTLS_NOT_SUPPORTED), ""));
        }
        return t;
    }

    @Test
    void bothNodesCountOneReportGoesOut() throws Exception {
        List<byte[]> queued = new CopyOnWriteArrayList<>();
        MessageSubmitter submitter = (sender, recipients, content, dsn) -> {
            try (InputStream in = content.open()) {
                queued.add(in.readAllBytes());
            }
            return "Q" + queued.size();
        };
        DnsResolver dns = (name, type) -> new DnsResult.Answer(List.of(new DnsRecord(name, DnsRecordType.TXT, 300, 0,
                "v=TLSRPTv1; rua=mailto:tlsrpt@example.com")), false);
        ReportSender.Services services = new ReportSender.Services(Optional.of(dns), Optional.of(submitter),
                Optional.of(new MapDictRegistry()));
        TlsRptSettings settings = TlsRptSettings.of(Map.of("mydomain", "sender.example")::get);
        ScheduledExecutorService retries = Executors.newScheduledThreadPool(2);
        try (TlsRptStore a = PgsqlStore.open(cf); TlsRptStore b = PgsqlStore.open(cf)) {
            a.add(sessions(3, 0));
            b.add(sessions(2, 1));
            List<Future<ReportSender.Outcome>> runs = new ArrayList<>();
            for (TlsRptStore node : List.of(a, b)) {
                ReportSender sender = new ReportSender(node, retries, Clock.systemUTC());
                runs.add(retries.submit(() -> sender.send(KEY, settings, services)));
            }
            for (Future<ReportSender.Outcome> run : runs) {
                assertThat(run.get().finished()).isTrue();
            }
        } finally {
            retries.shutdownNow();
        }

        assertThat(queued).as("one report, not one per node").hasSize(1);
        JsonNode report = attachedReport(queued.get(0));
        assertThat(report.at("/policies/0/summary/total-successful-session-count").asInt()).isEqualTo(5);
        assertThat(report.at("/policies/0/summary/total-failure-session-count").asInt()).isEqualTo(1);
    }

    private static JsonNode attachedReport(byte[] message) throws IOException {
        Message parsed = new DefaultMessageBuilder().parseMessage(new java.io.ByteArrayInputStream(message));
        SingleBody gz = (SingleBody) ((Multipart) parsed.getBody()).getBodyParts().get(1).getBody();
        try (InputStream in = new GZIPInputStream(gz.getInputStream())) {
            return new ObjectMapper().readTree(in);
        }
    }
}
