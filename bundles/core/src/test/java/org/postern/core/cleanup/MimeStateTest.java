// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ContentUtil;
import org.junit.jupiter.api.Test;
import org.postern.core.cleanup.MimeState.HeaderClass;
import org.postern.core.cleanup.MimeState.Section;

class MimeStateTest {

    private final MimeState mime = new MimeState(false, 100, 2048, 2048);

    private static RawField field(String text) throws Exception {
        return RawFieldParser.DEFAULT.parseField(ContentUtil.encode(text));
    }

    private void body(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        mime.bodyPiece(b, b.length, true);
    }

    private void multipart(String boundary) throws Exception {
        mime.header(field("Content-Type: multipart/mixed; boundary=\"" + boundary + "\""));
        mime.endHeaders();
    }

    @Test
    void boundaryLinesShouldStartPartHeadersAndTheClosingOneTheEpilogue() throws Exception {
        multipart("b");
        assertThat(mime.section()).isEqualTo(Section.BODY);
        assertThat(mime.isSettled()).isFalse();
        body("preamble");
        body("--b");
        assertThat(mime.section()).isEqualTo(Section.PART_HEADER);
        assertThat(mime.classify("x-anything")).isEqualTo(HeaderClass.MIME);
        mime.endHeaders();
        body("--b-- ");
        assertThat(mime.section()).isEqualTo(Section.BODY);
        assertThat(mime.isSettled()).isTrue();
    }

    @Test
    void outerBoundaryShouldCloseAnInnerMultipartLeftOpen() throws Exception {
        multipart("outer");
        body("--outer");
        multipart("inner");
        body("--inner");
        mime.endHeaders();
        body("--outer--");
        assertThat(mime.isSettled()).isTrue();
        body("--inner");
        assertThat(mime.section()).isEqualTo(Section.BODY);
    }

    @Test
    void attachedMessageHeadersShouldSplitIntoMimeAndNested() throws Exception {
        multipart("b");
        body("--b");
        mime.header(field("Content-Type: message/rfc822"));
        mime.endHeaders();
        assertThat(mime.section()).isEqualTo(Section.NESTED_HEADER);
        assertThat(mime.classify("subject")).isEqualTo(HeaderClass.NESTED);
        assertThat(mime.classify("content-type")).isEqualTo(HeaderClass.MIME);
        mime.endHeaders();
        assertThat(mime.section()).isEqualTo(Section.BODY);
    }

    @Test
    void primaryHeadersShouldBeMimeOnlyForContentAndMimeVersion() {
        assertThat(mime.classify("mime-version")).isEqualTo(HeaderClass.MIME);
        assertThat(mime.classify("content-disposition")).isEqualTo(HeaderClass.MIME);
        assertThat(mime.classify("subject")).isEqualTo(HeaderClass.PRIMARY);
    }

    @Test
    void nestingLimitShouldStopFollowingTheStructure() throws Exception {
        MimeState shallow = new MimeState(false, 1, 2048, 2048);
        shallow.header(field("Content-Type: multipart/mixed; boundary=a"));
        assertThat(shallow.endHeaders()).isEqualTo(MimeState.Event.NONE);
        byte[] b = "--a".getBytes(StandardCharsets.US_ASCII);
        shallow.bodyPiece(b, b.length, true);
        shallow.header(field("Content-Type: multipart/mixed; boundary=b"));
        assertThat(shallow.endHeaders()).isEqualTo(MimeState.Event.NESTING_EXCEEDED);
        assertThat(shallow.isBoundary("--b".getBytes(StandardCharsets.US_ASCII), 3)).isFalse();
    }

    @Test
    void disabledProcessingShouldLeaveEverythingAfterThePrimaryHeaderBody() throws Exception {
        MimeState off = new MimeState(true, 100, 2048, 2048);
        off.header(field("Content-Type: multipart/mixed; boundary=a"));
        off.endHeaders();
        assertThat(off.isSettled()).isTrue();
    }
}
