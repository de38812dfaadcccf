// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** RFC 8460 section 3: the "_smtp._tls" TXT record. */
class TlsRptRecordTest {

    @Test
    void severalAddressesOfBothKinds() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tlsrpt+x@example.com , https://r.example.com/v1;");
        assertThat(r.addresses()).containsExactly(new ReportAddress("mailto:tlsrpt+x@example.com", "tlsrpt+x@example.com"),
                new ReportAddress("https://r.example.com/v1", ""));
    }

    @Test
    void percentEncodingAndQueriesInMailto() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1;rua=mailto:a%2Cb@example.com?subject=x");
        assertThat(r.addresses().get(0).mailbox()).isEqualTo("a,b@example.com");
    }

    @Test
    void extensionsAreIgnoredUnknownSchemesSkipped() {
        TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; ext_1=value; rua=ftp://x.example/,mailto:r@example.com");
        assertThat(r.addresses()).extracting(ReportAddress::mailbox).containsExactly("r@example.com");
    }

    @Test
    void malformedRecordsAreRefused() {
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1;")).hasMessageContaining("no rua");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=tlsrptv1; rua=mailto:r@example.com")).hasMessageContaining("v=TLSRPTv1");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1; rua=ftp://x.example/")).hasMessageContaining("no mailto: or https:");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:nobody")).hasMessageContaining("malformed mailto");
        assertThatThrownBy(() -> TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:r@example.com; junk")).hasMessageContaining("malformed field");
    }

    @Test
    void exactlyOneVersionedRecordCounts() {
        StringBuilder problem = new StringBuilder();
        assertThat(TlsRptRecord.select(List.of("v=spf1 -all", "v=TLSRPTv1; rua=mailto:r@example.com"), problem)).isPresent();
        assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:r@example.com",
                "v=TLSRPTv1; rua=mailto:s@example.com"), problem)).isEmpty();
        assertThat(problem).hasToString("2 TLSRPT records");
        problem.setLength(0);
        assertThat(TlsRptRecord.select(List.of("v=spf1 -all"), problem)).isEmpty();
        assertThat(problem).hasToString("no TLSRPT record");
    }
}
