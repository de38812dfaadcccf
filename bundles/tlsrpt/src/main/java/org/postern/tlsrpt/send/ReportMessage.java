// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.report.ReportHeader;
import org.postern.tlsrpt.report.ReportIds;
import org.postern.tlsrpt.report.ReportJson;

/**
 * SUMMARY   A report as mail (RFC 8460 section 5.3): multipart/report; report-type="tlsrpt",
 *           a short text part, and the gzipped JSON as application/tlsrpt+gzip.
 * DESCRIPTION
 *   Subject "Report Domain: D Submitter: S Report-ID: <id>", the TLS-Report-Domain and
 *   TLS-Report-Submitter fields, and "TLS-Required: No" (RFC 8689 section 5), so a report
 *   about a broken TLS setup still reaches its domain, and so the smtp client does not count
 *   its delivery in the next report. DKIM-signed when a signer is given. Lines end in CRLF.
 */
public final class ReportMessage {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private ReportMessage() {
    }

    /** The whole message, headers and body. */
    public static byte[] build(ReportKey key, ReportHeader header, byte[] gzippedReport, String from,
                               String to, Instant now, Optional<DkimSigner> signer) throws GeneralSecurityException {
        String boundary = "tlsrpt-" + ReportIds.uniquePart(header.reportId());
        List<String> fields = new ArrayList<>();
        fields.add("From: " + from);
        fields.add("To: " + to);
        fields.add("Subject: Report Domain: " + key.policyDomain() + " Submitter: " + header.submitter()
                + " Report-ID: <" + header.reportId() + ">");
        fields.add("Date: " + DATE.format(now.atOffset(ZoneOffset.UTC)));
        fields.add("Message-ID: <" + header.reportId() + ">");
        fields.add("MIME-Version: 1.0");
        fields.add("TLS-Report-Domain: " + key.policyDomain());
        fields.add("TLS-Report-Submitter: " + header.submitter());
        fields.add("TLS-Required: No");
        fields.add("Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"" + boundary + "\"");
        byte[] body = body(key, header, gzippedReport, boundary);

        StringBuilder head = new StringBuilder();
        if (signer.isPresent()) {
            head.append(signer.get().sign(fields, body, now));
        }
        fields.forEach(f -> head.append(f).append("\r\n"));
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] body(ReportKey key, ReportHeader header, byte[] gzipped, String boundary) {
        StringBuilder b = new StringBuilder();
        b.append("This is a multipart message in MIME format.\r\n\r\n");
        b.append("--").append(boundary).append("\r\n");
        b.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        b.append("This is an aggregate TLS report (RFC 8460) from ").append(header.organizationName())
                .append(" for ").append(key.policyDomain()).append(", ").append(key.day()).append(" UTC.\r\n\r\n");
        b.append("--").append(boundary).append("\r\n");
        b.append("Content-Type: application/tlsrpt+gzip\r\n");
        b.append("Content-Transfer-Encoding: base64\r\n");
        b.append("Content-Disposition: attachment;\r\n filename=\"").append(ReportJson.fileName(key, header)).append("\"\r\n\r\n");
        b.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(gzipped)).append("\r\n\r\n");
        b.append("--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
