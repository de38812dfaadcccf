// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;

/** RFC 8460 section 4: a golden report from known events, checked field by field and against a JSON Schema of the RFC. */
class ReportJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate DAY = LocalDate.of(2026, 12, 5);
    private static final List<String> STS = List.of("version: STSv1", "mode: enforce", "mx: *.mail.b.example",
            "max_age: 86400");
    private static final List<String> TLSA = List.of("_25._tcp.mx.b.example. IN TLSA 3 1 1 "
            + "8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d");
    private static final ReportHeader HEADER = new ReportHeader("Postern Test", "postmaster@sender.example",
            "sender.example", "20261205.0011223344556677@sender.example");

    private static Tally events() {
        Tally t = new Tally();
        Instant noon = Instant.parse("2026-12-05T12:00:00Z");
        for (int i = 0; i < 3; i++) {
            t.record(result(noon, "a.example", PolicyType.NO_POLICY_FOUND, List.of(), List.of(), null, ""));
        }
        t.record(result(noon, "a.example", PolicyType.NO_POLICY_FOUND, List.of(), List.of(),
                FailureType.STARTTLS_NOT_SUPPORTED, "no STARTTLS in EHLO reply"));
        t.record(result(noon, "b.example", PolicyType.STS, STS, List.of("*.mail.b.example"), null, ""));
        t.record(result(noon, "B.Example", PolicyType.STS, STS, List.of("*.mail.b.example"), null, ""));
        t.record(result(Instant.parse("2026-12-05T23:59:59.999Z"), "b.example", PolicyType.STS, STS,
                List.of("*.mail.b.example"), FailureType.CERTIFICATE_HOST_MISMATCH, "name mismatch"));
        t.record(result(noon, "b.example", PolicyType.TLSA, TLSA, List.of(), null, ""));
        t.record(result(noon, "b.example", PolicyType.TLSA, TLSA, List.of(), FailureType.VALIDATION_FAILURE,
                "no TLSA record matched"));
        t.record(result(Instant.parse("2026-12-06T00:00:00Z"), "b.example", PolicyType.TLSA, TLSA, List.of(), null, ""));
        return t;
    }

    private static TlsSessionResult result(Instant time, String domain, PolicyType type, List<String> strings,
                                           List<String> mx, FailureType failure, String reason) {
        return new TlsSessionResult(time, domain, type, strings, mx, "mx.b.example", failure == null ? "" : "mx.helo",
                "192.0.2.25", "198.51.100.1", Optional.ofNullable(failure), reason);
    }

    @Test
    void noPolicyFoundKeepsItsPolicyDomain() throws IOException {
        ObjectNode report = ReportJson.build(new ReportKey("a.example", DAY), events().day(new ReportKey("a.example", DAY)), HEADER);
        JsonNode expected = JSON.readTree("""
                {"organization-name":"Postern Test",
                 "date-range":{"start-datetime":"2026-12-05T00:00:00Z","end-datetime":"2026-12-05T23:59:59Z"},
                 "contact-info":"postmaster@sender.example",
                 "report-id":"20261205.0011223344556677@sender.example",
                 "policies":[{"policy":{"policy-type":"no-policy-found","policy-domain":"a.example"},
                   "summary":{"total-successful-session-count":3,"total-failure-session-count":1},
                   "failure-details":[{"result-type":"starttls-not-supported","sending-mta-ip":"198.51.100.1",
                     "receiving-mx-hostname":"mx.b.example","receiving-mx-helo":"mx.helo","receiving-ip":"192.0.2.25",
                     "failed-session-count":1,"failure-reason-code":"no STARTTLS in EHLO reply"}]}]}
                """);
        assertThat(reparsed(report)).isEqualTo(expected);
        assertThat(schemaErrors(report)).isEmpty();
    }

    @Test
    void stsAndTlsaPoliciesOfOneDomainAreSeparateAndTheDayIsUtc() throws IOException {
        ReportKey key = new ReportKey("b.example", DAY);
        ObjectNode report = ReportJson.build(key, events().day(key), HEADER);
        JsonNode expected = JSON.readTree("""
                [{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce",
                    "mx: *.mail.b.example","max_age: 86400"],"policy-domain":"b.example","mx-host":["*.mail.b.example"]},
                  "summary":{"total-successful-session-count":2,"total-failure-session-count":1},
                  "failure-details":[{"result-type":"certificate-host-mismatch","sending-mta-ip":"198.51.100.1",
                    "receiving-mx-hostname":"mx.b.example","receiving-mx-helo":"mx.helo","receiving-ip":"192.0.2.25",
                    "failed-session-count":1,"failure-reason-code":"name mismatch"}]},
                 {"policy":{"policy-type":"tlsa","policy-string":["_25._tcp.mx.b.example. IN TLSA 3 1 1 8d02536c887482bc34ff54e41d2ba659bf85b341a0a20afadb5813dcfbcf286d"],
                    "policy-domain":"b.example"},
                  "summary":{"total-successful-session-count":1,"total-failure-session-count":1},
                  "failure-details":[{"result-type":"validation-failure","sending-mta-ip":"198.51.100.1",
                    "receiving-mx-hostname":"mx.b.example","receiving-mx-helo":"mx.helo","receiving-ip":"192.0.2.25",
                    "failed-session-count":1,"failure-reason-code":"no TLSA record matched"}]}]
                """);
        assertThat(reparsed(report).get("policies")).isEqualTo(expected);
        assertThat(schemaErrors(report)).isEmpty();
        assertThat(events().days().keySet()).containsExactly(new ReportKey("a.example", DAY), key,
                new ReportKey("b.example", DAY.plusDays(1)));
    }

    @Test
    void theSchemaRefusesAReportWithoutPolicyDomain() throws IOException {
        ReportKey key = new ReportKey("a.example", DAY);
        ObjectNode report = ReportJson.build(key, events().day(key), HEADER);
        ((ObjectNode) report.get("policies").get(0).get("policy")).remove("policy-domain");
        assertThat(schemaErrors(report)).isNotEmpty();
    }

    @Test
    void gzipAndFileNameAreAsSection5Says() throws IOException {
        ReportKey key = new ReportKey("a.example", DAY);
        ObjectNode report = ReportJson.build(key, events().day(key), HEADER);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(ReportJson.gzip(report)))) {
            assertThat(JSON.readTree(in)).isEqualTo(reparsed(report));
        }
        long begin = DAY.atStartOfDay().toEpochSecond(java.time.ZoneOffset.UTC);
        assertThat(ReportJson.fileName(key, HEADER))
                .isEqualTo("sender.example!a.example!" + begin + "!" + (begin + 86399) + "!202612050011223344556677.json.gz");
    }

    /** As a receiver reads it (Jackson's own nodes compare 3L and 3 as different). */
    private static JsonNode reparsed(JsonNode report) throws IOException {
        return JSON.readTree(report.toString());
    }

    static List<Error> schemaErrors(JsonNode report) throws IOException {
        try (InputStream in = ReportJsonTest.class.getResourceAsStream("/rfc8460-report.schema.json")) {
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
            return schema.validate(report);
        }
    }
}
