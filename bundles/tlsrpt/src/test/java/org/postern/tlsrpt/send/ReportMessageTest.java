// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.testing.DkimVerifier;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.report.ReportHeader;

/** RFC 8460 section 5.3: the report as mail, DKIM-signed, checked by a MIME parser and by python3-dkim. */
class ReportMessageTest {

    private static final ReportKey KEY = new ReportKey("example.com", LocalDate.of(2026, 12, 5));
    private static final ReportHeader HEADER = new ReportHeader("Postern  Test", "postmaster@sender.example",
            "sender.example", "20261205.00aa11bb22cc33dd@sender.example");
    private static final byte[] REPORT = "{\"organization-name\":\"Postern Test\"}".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void signedReportVerifiesWithAnIndependentVerifier() throws Exception {
        DkimVerifier.assumeAvailable();
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        Path keyFile = dir.resolve("report.private");
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(pair);                       // PKCS#1, as opendkim-genkey writes it
        }
        Files.writeString(keyFile, pem.toString());
        Path record = dir.resolve("report.txt");
        Files.writeString(record, "report._domainkey IN TXT ( \"v=DKIM1; k=rsa; p="
                + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\" )\n");
        DkimSigner signer = new DkimSigner("sender.example", "report", DkimSigner.readKey(keyFile));

        byte[] message = ReportMessage.build(KEY, HEADER, gzip(REPORT), "noreply-tlsrpt@sender.example",
                "tlsrpt@example.com", Instant.parse("2026-12-06T01:02:03Z"), Optional.of(signer));

        DkimVerifier.Result verdict = DkimVerifier.verify(message, record);
        assertThat(verdict.verified()).as(verdict.output()).isTrue();
        byte[] tampered = new String(message, StandardCharsets.US_ASCII).replace("Submitter: sender.example",
                "Submitter: other.example").getBytes(StandardCharsets.US_ASCII);
        assertThat(DkimVerifier.verify(tampered, record).verified()).isFalse();
    }

    @Test
    void headersAndTheGzipAttachmentAreAsTheRfcSays() throws IOException, Exception {
        byte[] message = ReportMessage.build(KEY, HEADER, gzip(REPORT), "noreply-tlsrpt@sender.example",
                "tlsrpt@example.com", Instant.parse("2026-12-06T01:02:03Z"), Optional.empty());
        Message parsed = new DefaultMessageBuilder().parseMessage(new ByteArrayInputStream(message));
        assertThat(parsed.getSubject()).isEqualTo("Report Domain: example.com Submitter: sender.example "
                + "Report-ID: <20261205.00aa11bb22cc33dd@sender.example>");
        assertThat(parsed.getHeader().getField("TLS-Report-Domain").getBody()).isEqualTo("example.com");
        assertThat(parsed.getHeader().getField("TLS-Report-Submitter").getBody()).isEqualTo("sender.example");
        assertThat(parsed.getHeader().getField("TLS-Required").getBody()).isEqualTo("No");
        assertThat(parsed.getMimeType()).isEqualTo("multipart/report");
        assertThat(parsed.getHeader().getField("Content-Type").getBody()).contains("report-type=\"tlsrpt\"");
        Multipart parts = (Multipart) parsed.getBody();
        assertThat(parts.getBodyParts()).hasSize(2);
        var attachment = parts.getBodyParts().get(1);
        assertThat(attachment.getMimeType()).isEqualTo("application/tlsrpt+gzip");
        assertThat(attachment.getFilename()).isEqualTo("sender.example!example.com!1796428800!1796515199!"
                + "2026120500aa11bb22cc33dd.json.gz");
        byte[] gz = ((SingleBody) attachment.getBody()).getInputStream().readAllBytes();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(REPORT);
        }
    }

    private static byte[] gzip(byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
