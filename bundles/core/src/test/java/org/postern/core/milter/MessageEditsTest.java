// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.Modification;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;

/** The milters' modifications on raw content and on the envelope, as Postfix's cleanup_milter.c applies them. */
class MessageEditsTest {

    private static String apply(String content, Modification... m) throws Exception {
        HeaderBlock.Parsed parsed = HeaderBlock.parse(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MessageEdits(List.of(m), Optional.empty()).write(parsed, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void unchangedHeadersShouldBeWrittenByteForByte() throws Exception {
        String content = "A:x\r\nB :  y\r\nC: one\r\n\t two\r\n \r\n\r\nbody\r\n";
        assertThat(HeaderBlock.parse(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)))
                .headers()).containsExactly(HeaderField.of("A", "x"), HeaderField.of("B ", "  y"),
                HeaderField.of("C", " one\n\t two\n "));
        assertThat(apply(content)).isEqualTo(content);
    }

    @Test
    void aNonHeaderLineShouldEndTheHeadersAndStayInTheBody() throws Exception {
        String content = "A: x\r\nnot a header\r\nmore\r\n";
        HeaderBlock.Parsed p = HeaderBlock.parse(new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(p.headers()).containsExactly(HeaderField.of("A", " x"));
        assertThat(new String(p.body().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("not a header\r\nmore\r\n");
    }

    @Test
    void changeShouldPickTheNthHeaderOfThatNameIgnoringCase() throws Exception {
        String content = "Received: 1\r\nreceived: 2\r\nX: y\r\n\r\nb\r\n";
        assertThat(apply(content, new Modification.ChangeHeader(2, HeaderField.of("RECEIVED", " two"))))
                .isEqualTo("Received: 1\r\nRECEIVED: two\r\nX: y\r\n\r\nb\r\n");
        assertThat(apply(content, new Modification.ChangeHeader(2, HeaderField.of("Received", ""))))
                .isEqualTo("Received: 1\r\nX: y\r\n\r\nb\r\n");
    }

    @Test
    void changeOfAMissingHeaderShouldAppendAndDeleteOfOneShouldDoNothing() throws Exception {
        String content = "A: x\r\n\r\nb\r\n";
        assertThat(apply(content, new Modification.ChangeHeader(3, HeaderField.of("A", " z")),
                new Modification.ChangeHeader(1, HeaderField.of("Nope", ""))))
                .isEqualTo("A: x\r\nA: z\r\n\r\nb\r\n");
    }

    @Test
    void insertShouldClampItsIndexAndAddShouldAppend() throws Exception {
        assertThat(apply("A: x\r\n\r\nb\r\n", new Modification.InsertHeader(99, HeaderField.of("Z", " last")),
                new Modification.InsertHeader(0, HeaderField.of("F", " first")),
                new Modification.AddHeader(HeaderField.of("Q", " q"))))
                .isEqualTo("F: first\r\nA: x\r\nZ: last\r\nQ: q\r\n\r\nb\r\n");
    }

    @Test
    void aMessageWithoutBodyShouldGetItsEmptyLine() throws Exception {
        assertThat(apply("A: x\r\n", new Modification.AddHeader(HeaderField.of("B", " y")))).isEqualTo("A: x\r\nB: y\r\n\r\n");
    }

    @Test
    void envelopeChangesShouldKeepOrderAndIgnoreAngleBrackets() {
        Envelope in = Envelope.builder("a@example.org", List.of(new EnvelopeRecipient("b@example.test", "", Set.of()),
                new EnvelopeRecipient("c@example.test", "", Set.of())), Instant.EPOCH).build();
        Envelope out = new MessageEdits(List.of(new Modification.DeleteRecipient("<B@EXAMPLE.test>"),
                new Modification.AddRecipient("<c@example.test>", List.of()),
                new Modification.AddRecipient("<d@example.test>", List.of("ORCPT=rfc822;x@y", "NOTIFY=FAILURE,DELAY")),
                new Modification.ChangeSender("<>", List.of("ENVID=abc", "SIZE=5"))), Optional.of("why")).apply(in);
        assertThat(out.sender()).isEmpty();
        assertThat(out.dsn().envelopeId()).isEqualTo("abc");
        assertThat(out.recipients()).extracting(EnvelopeRecipient::address).containsExactly("c@example.test", "d@example.test");
        assertThat(out.recipients().get(1).originalRecipient()).isEqualTo("rfc822;x@y");
        assertThat(out.recipients().get(1).notifyOn()).hasSize(2);
        assertThat(out.actions().hold()).contains("why");
    }
}
