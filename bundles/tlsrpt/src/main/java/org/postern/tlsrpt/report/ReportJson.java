// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.zip.GZIPOutputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyCounts;
import org.postern.tlsrpt.counts.PolicyKey;
import org.postern.tlsrpt.counts.ReportKey;

/**
 * SUMMARY   A report as RFC 8460 section 4 lays it out, from one domain's counts of one UTC day.
 * DESCRIPTION
 *   date-range is the whole UTC day (00:00:00Z to 23:59:59Z). policy-domain is in every
 *   policy, no-policy-found included. policy-string and mx-host appear when the policy has
 *   them; failure-details is always there, empty when every session succeeded; optional detail
 *   fields are left out when unknown rather than sent empty.
 */
public final class ReportJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter UTC_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");

    private ReportJson() {
    }

    public static ObjectNode build(ReportKey key, DayCounts counts, ReportHeader header) {
        ObjectNode report = JSON.createObjectNode();
        report.put("organization-name", header.organizationName());
        ObjectNode range = report.putObject("date-range");
        range.put("start-datetime", key.day().atStartOfDay().atOffset(ZoneOffset.UTC).format(UTC_SECONDS));
        range.put("end-datetime", key.day().atTime(23, 59, 59).atOffset(ZoneOffset.UTC).format(UTC_SECONDS));
        report.put("contact-info", header.contactInfo());
        report.put("report-id", header.reportId());
        ArrayNode policies = report.putArray("policies");
        counts.policies().forEach((policy, policyCounts) -> policy(policies.addObject(), key, policy, policyCounts));
        return report;
    }

    private static void policy(ObjectNode out, ReportKey key, PolicyKey policy, PolicyCounts counts) {
        ObjectNode p = out.putObject("policy");
        p.put("policy-type", policy.type().wireName());
        if (policy.type() != PolicyType.NO_POLICY_FOUND) {
            policy.strings().forEach(p.putArray("policy-string")::add);
        }
        p.put("policy-domain", key.policyDomain());
        if (!policy.mxHosts().isEmpty()) {
            policy.mxHosts().forEach(p.putArray("mx-host")::add);
        }
        ObjectNode summary = out.putObject("summary");
        summary.put("total-successful-session-count", counts.successes());
        summary.put("total-failure-session-count", counts.failures());
        ArrayNode details = out.putArray("failure-details");
        counts.details().forEach((row, n) -> detail(details.addObject(), row, n));
    }

    private static void detail(ObjectNode d, FailureKey row, long count) {
        d.put("result-type", row.resultType().wireName());
        putIfKnown(d, "sending-mta-ip", row.sendingMtaIp());
        putIfKnown(d, "receiving-mx-hostname", row.receivingMxHostname());
        putIfKnown(d, "receiving-mx-helo", row.receivingMxHelo());
        putIfKnown(d, "receiving-ip", row.receivingIp());
        d.put("failed-session-count", count);
        putIfKnown(d, "additional-information", row.additionalInformation());
        putIfKnown(d, "failure-reason-code", row.failureReasonCode());
    }

    private static void putIfKnown(ObjectNode o, String field, String value) {
        if (!value.isEmpty()) {
            o.put(field, value);
        }
    }

    /** Compact JSON, as sent. */
    public static byte[] bytes(ObjectNode report) {
        try {
            return JSON.writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Indented JSON, for people (tlsrpt-show). */
    public static String pretty(ObjectNode report) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The report gzip-compressed (RFC 8460 section 5.1: application/tlsrpt+gzip). */
    public static byte[] gzip(ObjectNode report) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The attachment's file name (RFC 8460 section 5.1):
     * submitter!policy-domain!begin-timestamp!end-timestamp!unique-id.json.gz, timestamps in
     * seconds since the epoch.
     */
    public static String fileName(ReportKey key, ReportHeader header) {
        long begin = key.day().atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long end = key.day().atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC);
        return header.submitter() + "!" + key.policyDomain() + "!" + begin + "!" + end + "!"
                + ReportIds.uniquePart(header.reportId()) + ".json.gz";
    }
}
