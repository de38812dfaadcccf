// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PostcatTest {

    private static final String CONTENT = "Received: from client.example\r\n\tby mx.example.org\r\n"
            + "Subject: hello\r\n\r\nbody line 1\r\nFrom: not a header\r\n";

    private static String postcat(Set<Postcat.Section> sections, List<QueueFile.Record> appended) throws IOException {
        QueuedMessage m = new QueuedMessage("4XjQ2c1Yz0", QueueName.ACTIVE, CONTENT.length(), TestMessages.dsnEnvelope());
        StringWriter w = new StringWriter();
        new Postcat(ZoneOffset.UTC).print(m, appended,
                new ByteArrayInputStream(CONTENT.getBytes(StandardCharsets.US_ASCII)), sections, new PrintWriter(w));
        return w.toString();
    }

    @Test
    void defaultShouldPrintEnvelopeHeadersAndBodyWithPostfixMarkers() throws IOException {
        String out = postcat(Set.of(), List.of());
        assertThat(out).isEqualTo(""
                + "*** ENVELOPE RECORDS active/4XjQ2c1Yz0 ***\n"
                + "message_size:             102              32               2               0             102               0\n"
                + "message_arrival_time: Wed May  1 12:00:00 2024\n"
                + "sender: a@example.org\n"
                + "named_attribute: envelope_id=QQ314159\n"
                + "named_attribute: ret_flags=2\n"
                + "named_attribute: client_address=192.0.2.1\n"
                + "named_attribute: helo_name=mx.example.org\n"
                + "named_attribute: smtputf8=false\n"
                + "named_attribute: dsn_orig_rcpt=rfc822;X@example.com\n"
                + "named_attribute: notify_flags=6\n"
                + "recipient: x@example.com\n"
                + "named_attribute: notify_flags=1\n"
                + "recipient: y@example.com\n"
                + "*** MESSAGE CONTENTS active/4XjQ2c1Yz0 ***\n"
                + "Received: from client.example\n"
                + "\tby mx.example.org\n"
                + "Subject: hello\n"
                + "\n"
                + "body line 1\n"
                + "From: not a header\n"
                + "*** HEADER EXTRACTED active/4XjQ2c1Yz0 ***\n"
                + "*** MESSAGE FILE END active/4XjQ2c1Yz0 ***\n");
    }

    @Test
    void headerOptionShouldStopAtFirstNonHeaderLine() throws IOException {
        assertThat(postcat(EnumSet.of(Postcat.Section.HEADER), List.of())).isEqualTo(""
                + "Received: from client.example\n"
                + "\tby mx.example.org\n"
                + "Subject: hello\n");
    }

    @Test
    void bodyOptionShouldStartAtTheBlankLine() throws IOException {
        assertThat(postcat(EnumSet.of(Postcat.Section.BODY), List.of())).isEqualTo("\nbody line 1\nFrom: not a header\n");
    }

    @Test
    void appendedRecordsShouldFollowTheExtractedMarker() throws IOException {
        String out = postcat(EnumSet.of(Postcat.Section.ENVELOPE),
                List.of(new QueueFile.Record((byte) 'D', "0 sent".getBytes(StandardCharsets.US_ASCII))));
        assertThat(out).endsWith("*** MESSAGE CONTENTS active/4XjQ2c1Yz0 ***\n"
                + "*** HEADER EXTRACTED active/4XjQ2c1Yz0 ***\n"
                + "record_D: 0 sent\n"
                + "*** MESSAGE FILE END active/4XjQ2c1Yz0 ***\n");
    }

    @Test
    void isHeaderShouldFollowPostfixRules() {
        assertThat(Postcat.isHeader("Subject: x")).isTrue();
        assertThat(Postcat.isHeader("X-Odd-Name : x")).isTrue();
        assertThat(Postcat.isHeader("Subject")).isFalse();
        assertThat(Postcat.isHeader(": x")).isFalse();
        assertThat(Postcat.isHeader("two words: x")).isFalse();
        assertThat(Postcat.isHeader("")).isFalse();
    }
}
