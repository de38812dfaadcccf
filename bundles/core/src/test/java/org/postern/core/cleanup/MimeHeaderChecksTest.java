// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.postern.api.message.ClientFacts;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.RecordingQueueStore;

/** mime_header_checks, nested_header_checks and body_checks along the MIME structure (header_checks(5)). */
class MimeHeaderChecksTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T10:06:07Z"), ZoneOffset.UTC);
    /** The classic Postfix example from header_checks(5). */
    private static final String EXE = "^Content-(Type|Disposition):.*name=\"?.*\\.exe";

    private final RecordingQueueStore queue = new RecordingQueueStore();
    private final TestTables tables = new TestTables();

    private CleanupQueueStore cleanup(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com", "mydomain = example.com",
                "mydestination = $myhostname, localhost", "mynetworks = 127.0.0.0/8"));
        lines.addAll(Arrays.asList(mainCf));
        PostfixConfig config = PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com"),
                MainCf.parse(Path.of("main.cf"), lines));
        return CleanupQueueStore.create(queue, config, tables, CLOCK);
    }

    private static Envelope envelope() {
        return Envelope.builder("a@example.org", List.of(new EnvelopeRecipient("b@example.com", "", Set.of())),
                CLOCK.instant())
                .client(new ClientFacts("client.example.net", "", "192.0.2.7", -1, "helo.example.net", "ESMTP")).build();
    }

    private CompletableFuture<Void> send(CleanupQueueStore store, String content, int piece) throws IOException {
        CleanupMessage m = store.receive();
        Envelope env = envelope();
        m.announce(env);
        OutputStream out = m.content();
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            out.write(b, i, Math.min(piece, b.length - i));
        }
        return m.commit(env);
    }

    private CompletableFuture<Void> send(CleanupQueueStore store, String content) throws IOException {
        return send(store, content, 7);
    }

    private static String msg(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    /** The queued content without the Received: header cleanup puts first. */
    private String queued() {
        String t = queue.last().text();
        return t.substring(t.indexOf("\r\nFrom: ") + 2);
    }

    private static String rejectionText(CompletableFuture<Void> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.get();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CleanupRejection.class);
            return ((CleanupRejection) e.getCause()).reply().toString();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("not rejected");
    }

    private static String mixed(String attachmentType, String... bodyLines) {
        List<String> l = new ArrayList<>(List.of("From: a@example.org", "Subject: report", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"frontier\"", "", "This is a MIME message.",
                "--frontier", "Content-Type: text/plain; charset=us-ascii", "", "see attached"));
        l.addAll(Arrays.asList(bodyLines));
        l.addAll(List.of("--frontier", "Content-Type: " + attachmentType,
                "Content-Transfer-Encoding: base64", "", "TVqQAAMAAAAEAAAA", "--frontier--", "epilogue"));
        return msg(l.toArray(String[]::new));
    }

    @Test
    void mimeHeaderChecksShouldRejectAnExeAttachmentByItsPartHeader() throws Exception {
        tables.regexp("mhc", EXE, "REJECT executable attachments not accepted");
        CleanupQueueStore store = cleanup("mime_header_checks = regexp:mhc");

        assertThat(rejectionText(send(store, mixed("application/octet-stream; name=\"setup.exe\""))))
                .isEqualTo("550 5.7.1 executable attachments not accepted");
        assertThat(queue.last().committed).isNull();
        send(store, mixed("application/pdf; name=\"report.pdf\"")).get();
        assertThat(queue.last().committed).isNotNull();
    }

    @Test
    void partHeadersShouldMeetHeaderChecksThroughTheDefaultMimeHeaderChecks() throws Exception {
        tables.regexp("hc", EXE, "REJECT");
        CleanupQueueStore store = cleanup("header_checks = regexp:hc");

        assertThat(rejectionText(send(store, mixed("application/x-msdownload; name=setup.exe"))))
                .startsWith("550 5.7.1");
    }

    @Test
    void partHeadersShouldNotMeetHeaderChecksWhenMimeHeaderChecksAreEmpty() throws Exception {
        tables.regexp("hc", EXE, "REJECT");
        send(cleanup("header_checks = regexp:hc", "mime_header_checks ="),
                mixed("application/x-msdownload; name=setup.exe")).get();

        assertThat(queue.last().committed).isNotNull();
    }

    private static String forwarded(String outerSubject, String innerSubject) {
        return msg("From: a@example.org", "Subject: " + outerSubject, "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=outer", "", "--outer", "Content-Type: text/plain", "",
                "Forwarded message below.", "--outer", "Content-Type: message/rfc822", "",
                "From: someone@example.net", "Subject: " + innerSubject, "Content-Type: text/plain; charset=inner", "",
                "inner body", "--outer--");
    }

    @Test
    void nestedHeaderChecksShouldSeeTheSubjectOfAnAttachedMessageOnly() throws Exception {
        tables.regexp("nhc", "^Subject:.*lottery", "REJECT 5.7.0 nested spam");
        CleanupQueueStore store = cleanup("nested_header_checks = regexp:nhc");

        assertThat(rejectionText(send(store, forwarded("fwd", "You won the lottery"))))
                .isEqualTo("550 5.7.0 nested spam");
        send(store, forwarded("the lottery again", "hello")).get();
        assertThat(queue.last().committed).isNotNull();
    }

    @Test
    void headerChecksShouldNotSeeNonMimeHeadersOfAnAttachedMessage() throws Exception {
        tables.regexp("hc", "^Subject:.*lottery", "REJECT");
        send(cleanup("header_checks = regexp:hc", "nested_header_checks ="), forwarded("fwd", "the lottery")).get();

        assertThat(queue.last().committed).isNotNull();
    }

    @Test
    void mimeHeadersOfAnAttachedMessageShouldMeetMimeHeaderChecks() throws Exception {
        tables.regexp("mhc", "^Content-Type: text/plain; charset=inner$", "HOLD inner text")
                .regexp("nhc", "^Content-Type:", "REJECT");
        send(cleanup("mime_header_checks = regexp:mhc", "nested_header_checks = regexp:nhc"),
                forwarded("fwd", "x")).get();

        assertThat(queue.last().committed.actions().hold()).contains("inner text");
    }

    @Test
    void bodyChecksShouldSeeBodyLinesAndBoundariesButNotPartHeaders() throws Exception {
        tables.regexp("bc", "^Content-", "REJECT part header seen as body", "^--frontier--$", "HOLD closing boundary",
                "^secret", "REPLACE [removed]", "^epilogue$", "BCC epilogue@example.com");
        send(cleanup("body_checks = regexp:bc"), mixed("application/pdf", "secret stuff")).get();

        assertThat(queue.last().committed.actions().hold()).contains("closing boundary");
        assertThat(queue.last().committed.recipients()).extracting(EnvelopeRecipient::address)
                .contains("epilogue@example.com");
        assertThat(queued()).contains("\r\nsee attached\r\n[removed]\r\n--frontier\r\n");
    }

    @Test
    void ignoreReplaceAndPrependShouldEditPartHeadersInPlace() throws Exception {
        tables.regexp("mhc", "^Content-Description:", "IGNORE",
                "^Content-Type: application/x-msdownload(.*)", "REPLACE Content-Type: application/octet-stream$1",
                "^Content-Disposition: attachment", "PREPEND X-Attachment-Seen: yes");
        String content = msg("From: a@example.org", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b1", "", "--b1", "Content-Type: application/x-msdownload;",
                " name=tool.bin", "Content-Description: a tool", "Content-Disposition: attachment", "", "AAAA",
                "--b1--");
        send(cleanup("mime_header_checks = regexp:mhc"), content).get();

        assertThat(queued()).isEqualTo(msg("From: a@example.org", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=b1", "", "--b1",
                "Content-Type: application/octet-stream; name=tool.bin", "X-Attachment-Seen: yes",
                "Content-Disposition: attachment", "", "AAAA", "--b1--"));
    }

    /** Multipart inside multipart, depth levels deep, with a Content-Type: ...exe part header in the innermost. */
    private static String nested(int depth) {
        List<String> l = new ArrayList<>(List.of("From: a@example.org", "MIME-Version: 1.0"));
        for (int i = 1; i <= depth; i++) {
            l.addAll(List.of("Content-Type: multipart/mixed; boundary=level" + i, "", "--level" + i));
        }
        l.addAll(List.of("Content-Type: application/octet-stream; name=x.exe", "", "AAAA"));
        for (int i = depth; i >= 1; i--) {
            l.add("--level" + i + "--");
        }
        return msg(l.toArray(String[]::new));
    }

    @Test
    void nestingDeeperThanTheLimitShouldRejectWhenHeaderChecksAreOn() throws Exception {
        tables.regexp("hc", "^X-Nothing:", "IGNORE");
        CleanupQueueStore store = cleanup("header_checks = regexp:hc", "mime_nesting_limit = 3");

        send(store, nested(3)).get();
        assertThat(queue.last().committed).isNotNull();
        assertThat(rejectionText(send(store, nested(4)))).isEqualTo("550 5.6.0 MIME nesting exceeds safety limit");
        assertThat(queue.last().committed).isNull();
    }

    @Test
    void nestingDeeperThanTheLimitShouldOnlyStopFollowingWithoutHeaderChecks() throws Exception {
        tables.regexp("bc", "^Content-Type:.*exe", "HOLD deep part header is body");
        CleanupQueueStore store = cleanup("body_checks = regexp:bc", "mime_nesting_limit = 3");

        send(store, nested(3)).get();
        assertThat(queue.last().committed.actions().hold()).isEmpty();
        send(store, nested(4)).get();
        assertThat(queue.last().committed.actions().hold()).contains("deep part header is body");
        assertThat(queued()).isEqualTo(nested(4));
    }

    @Test
    void boundaryLongerThanTheLimitShouldBeComparedOnItsPrefix() throws Exception {
        tables.regexp("mhc", EXE, "REJECT");
        String boundary = "=_" + "x".repeat(60);
        String content = mixed("application/octet-stream; name=a.exe").replace("frontier", boundary);

        assertThat(rejectionText(send(cleanup("mime_header_checks = regexp:mhc", "mime_boundary_length_limit = 20"),
                content))).startsWith("550");
    }

    @Test
    void boundaryLongerThanALineShouldStillOpenAndCloseParts() throws Exception {
        tables.regexp("bc", "^X-Marker:", "HOLD epilogue reached").regexp("mhc", "^X-Marker:", "REJECT");
        String boundary = "b".repeat(3000);
        String content = msg("From: a@example.org", "Content-Type: multipart/mixed; boundary=" + boundary, "",
                "--" + boundary, "Content-Type: text/plain", "", "part", "--" + boundary + "--", "X-Marker: 1");
        send(cleanup("body_checks = regexp:bc", "mime_header_checks = regexp:mhc"), content).get();

        assertThat(queue.last().committed.actions().hold()).contains("epilogue reached");
        assertThat(queued()).isEqualTo(content);
    }

    @Test
    void missingClosingBoundaryShouldBeAcceptedUnchanged() throws Exception {
        tables.regexp("mhc", "^X-Never:", "REJECT");
        String content = msg("From: a@example.org", "Content-Type: multipart/mixed; boundary=open", "", "--open",
                "Content-Type: text/plain", "", "the end is missing");
        send(cleanup("mime_header_checks = regexp:mhc"), content).get();

        assertThat(queued()).isEqualTo(content);
    }

    @Test
    void multipartWithoutBoundaryShouldBeBody() throws Exception {
        tables.regexp("bc", "^Content-Type: text/html", "HOLD looked like a part header");
        String content = msg("From: a@example.org", "Content-Type: multipart/mixed", "", "--x",
                "Content-Type: text/html", "", "<p>");
        send(cleanup("body_checks = regexp:bc"), content).get();

        assertThat(queue.last().committed.actions().hold()).contains("looked like a part header");
        assertThat(queued()).isEqualTo(content);
    }

    @Test
    void malformedStructuresShouldPassWithoutExceptions() throws Exception {
        tables.regexp("mhc", "^X-Never:", "REJECT");
        CleanupQueueStore store = cleanup("mime_header_checks = regexp:mhc");
        List<String> contents = List.of(
                msg("Content-Type: ;;; boundary", "", "--", "----"),
                msg("Content-Type: multipart/mixed; boundary=\"\"", "", "--", "--\"\"--"),
                msg("Content-Type: multipart/mixed; boundary=a", "", "--a", "--a", "--a--", "--a--", "--a"),
                msg("Content-Type: message/rfc822", "", "Content-Type: message/rfc822", "",
                        "Content-Type: multipart/alternative; boundary=z"),
                msg("Content-Type: multipart/mixed; boundary=a", "", "--a", "Content-Type: multipart/mixed;",
                        " boundary=b", "", "--b", "X-Inner: 1", "", "--a--", "after"),
                "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: text/pl");
        for (String c : contents) {
            send(store, c).get();
            assertThat(queue.last().text()).contains(c);
        }
    }

    @Test
    void boundaryRightAfterABoundaryShouldEndThePartHeaderEvenWithAColon() throws Exception {
        tables.regexp("mhc", "^--a:b", "REJECT boundary taken for a header");
        send(cleanup("mime_header_checks = regexp:mhc"), msg("Content-Type: multipart/mixed; boundary=\"a:b\"", "",
                "--a:b", "--a:b", "Content-Type: text/plain", "", "x", "--a:b--")).get();

        assertThat(queue.last().committed).isNotNull();
    }

    @Test
    void digestPartsShouldDefaultToAttachedMessages() throws Exception {
        tables.regexp("nhc", "^Subject: digest item", "REJECT nested");
        String content = msg("From: a@example.org", "Content-Type: multipart/digest; boundary=d", "", "--d", "",
                "Subject: digest item", "", "text", "--d--");

        assertThat(rejectionText(send(cleanup("nested_header_checks = regexp:nhc"), content)))
                .isEqualTo("550 5.7.1 nested");
    }

    @Test
    void disabledMimeInputProcessingShouldMakeEverythingAfterThePrimaryHeaderBody() throws Exception {
        tables.regexp("mhc", EXE, "REJECT mime").regexp("bc", EXE, "REJECT body");
        CleanupQueueStore store = cleanup("mime_header_checks = regexp:mhc", "body_checks = regexp:bc",
                "disable_mime_input_processing = yes");

        assertThat(rejectionText(send(store, mixed("application/octet-stream; name=\"a.exe\""))))
                .isEqualTo("550 5.7.1 body");
    }

    @Test
    void resultShouldNotDependOnHowTheContentIsSplit() throws Exception {
        tables.regexp("mhc", "^Content-Type: text/plain", "PREPEND X-Text-Part: 1", "^Content-Transfer-Encoding:",
                "IGNORE");
        CleanupQueueStore store = cleanup("mime_header_checks = regexp:mhc");
        String content = mixed("application/pdf", "line two") + forwarded("a", "b");
        send(store, content, content.length()).get();
        String whole = queued();
        assertThat(whole).contains("X-Text-Part: 1\r\nContent-Type: text/plain; charset=us-ascii\r\n")
                .doesNotContain("Content-Transfer-Encoding");
        for (int piece = 1; piece <= 13; piece++) {
            send(store, content, piece).get();
            assertThat(queued()).as("pieces of %d bytes", piece).isEqualTo(whole);
        }
    }
}
