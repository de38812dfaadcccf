// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ContentUtil;
import org.apache.james.mime4j.util.MimeUtil;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.TableList.TableFailure;
import org.postern.core.message.Envelope;
import org.postern.core.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The streaming half of cleanup: splits the content into header sections and body
 *           lines, runs header_checks, mime_header_checks, nested_header_checks and body_checks,
 *           rewrites primary header addresses, adds Received:, Message-Id:, Date: and From:, and
 *           writes the result to a sink as it goes.
 * DESCRIPTION
 *   {@link MimeState} follows the MIME structure (header_checks(5)): header_checks see the
 *   primary non-MIME headers; mime_header_checks the primary MIME headers (Content-*,
 *   MIME-Version), every header of a multipart part and the MIME headers of an attached
 *   message/rfc822; nested_header_checks the other headers of attached messages; body_checks
 *   the body lines of every part, boundary lines included, and not the part headers. The
 *   header_checks(5) actions work the same in every header section (IGNORE, PREPEND and
 *   REPLACE edit the section as it passes); only primary headers are rewritten and counted.
 *   A structure nested deeper than mime_nesting_limit is rejected (550 5.6.0, logged as
 *   "reject: mime-error") when any header check table or strict_* MIME option is set, as in
 *   Postfix, else logged as a warning and the deeper content is treated as body. With
 *   disable_mime_input_processing everything after the primary header is body.
 *   Memory is one logical header (at most header_size_limit bytes; the excess is discarded, as
 *   in Postfix) or one body line (line_length_limit; longer lines are inspected in pieces).
 *   body_checks see the first body_checks_size_limit bytes of each body segment (part). Once
 *   no body_checks apply and no multipart boundary can follow, the rest is copied through
 *   without looking at it. A line in the primary header that is not a header ends it; an
 *   empty line is then inserted so the result stays a well-formed message (not so in parts).
 *   After REJECT, DISCARD or a table failure nothing more is written: the message is dropped.
 *   With cleanup_replace_stray_cr_lf every CR inside a line is a space before anything looks at
 *   the line, and content copied through is filtered the same way ({@link StrayLineBreaks}).
 * SECURITY  All content is untrusted: sizes are bounded, logged text is truncated and escaped.
 * BUGS      body_checks see encoded (base64/QP) text as it is; the empty line that ends a header
 *           section is not shown to body_checks (Postfix shows it). No 8BITMIME/SMTPUTF8
 *           downgrade; the strict_* MIME checks (8-bit headers, encoding domains) are not
 *           implemented, only their effect of making a MIME nesting error reject the message.
 *           Resent- headers do not switch the added headers to their Resent- forms.
 */
final class ContentProcessor extends OutputStream {

    static final Logger LOG = LoggerFactory.getLogger("postern.cleanup");

    private static final byte[] CRLF = {'\r', '\n'};
    private static final DateTimeFormatter RFC5322 =
            DateTimeFormatter.ofPattern("EEE, ppd MMM yyyy HH:mm:ss Z '('z')'", Locale.ROOT);
    private static final DateTimeFormatter MESSAGE_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
    private static final Set<String> SENDER_HEADERS = Set.of("from", "sender", "reply-to", "resent-from",
            "resent-sender", "resent-reply-to", "return-receipt-to", "errors-to");
    private static final Set<String> RECIPIENT_HEADERS = Set.of("to", "cc", "bcc", "resent-to", "resent-cc",
            "resent-bcc", "apparently-to");

    /** A header section (any), the body line by line, or the rest of the body copied through. */
    private enum Mode { HEADERS, BODY_LINES, BODY_RAW }

    private final CleanupSettings s;
    private final AddressRewriter rewriter;
    private final String queueId;
    private final Envelope env;
    private final OutputStream sink;
    private final boolean localClient;
    private final HeaderAddresses headerAddresses;
    private final MimeState mime;

    /** cleanup_replace_stray_cr_lf for content copied through (BODY_RAW); null when the parameter is off. */
    private final StrayLineBreaks.Filter rawFilter;

    private Mode mode = Mode.HEADERS;
    private byte[] line;
    private int lineLength;
    private byte[] header;
    private int headerLength;
    private long bodyBytes;
    private int received;
    private boolean started;
    private String lastContentType = "";

    // What the content told us.
    /** What the checks decided: reject, table failure, discard, hold, filter ... */
    final ContentDecisions decisions;
    String messageId;
    private boolean sawDate;
    private boolean sawFrom;

    ContentProcessor(CleanupSettings settings, AddressRewriter rewriter, String queueId, Envelope envelope,
                     OutputStream sink) {
        this.s = settings;
        this.rewriter = rewriter;
        this.queueId = queueId;
        this.env = envelope;
        this.sink = sink;
        this.localClient = settings.rewritesHeadersOf(envelope.client().address(), envelope.sasl().username());
        this.headerAddresses = new HeaderAddresses(rewriter, localClient);
        this.decisions = new ContentDecisions(queueId, envelope);
        this.mime = new MimeState(settings.disableMimeInputProcessing, settings.mimeNestingLimit,
                settings.mimeBoundaryLengthLimit, settings.lineLengthLimit);
        this.line = new byte[256];
        this.rawFilter = settings.replaceStrayCrLf ? new StrayLineBreaks.Filter() : null;
    }

    /** smtpd's PREPEND lines and the Received: header, before any content. */
    void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        for (String p : env.actions().prepend()) {
            writeText(p);
        }
        writeText(ReceivedHeader.of(env, s.myhostname, queueId, date()));
    }

    String date() {
        return RFC5322.format(ZonedDateTime.now(s.clock));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (mode == Mode.BODY_RAW) {
                raw(b, i, end - i);
                return;
            }
            int lf = -1;
            for (int j = i; j < end; j++) {
                if (b[j] == '\n') {
                    lf = j;
                    break;
                }
            }
            int stop = lf < 0 ? end : lf;
            append(b, i, stop - i);
            if (lf < 0) {
                return;
            }
            int n = lineLength;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
            lineLength = 0;
            onLine(line, n, true);
            i = lf + 1;
        }
    }

    private void append(byte[] b, int off, int len) throws IOException {
        int cap = mode == Mode.HEADERS ? s.headerSizeLimit + 2 : s.lineLengthLimit + 1;
        while (len > 0) {
            if (lineLength >= cap) {
                if (mode == Mode.HEADERS) {
                    return; // excess of an over-long header line is discarded
                }
                // An over-long body line: inspect and emit it in pieces, like Postfix's records.
                // (A CR at the cut is stray: the byte after it, being appended, is not the LF.)
                int n = lineLength;
                lineLength = 0;
                onLine(line, n, false);
                if (mode == Mode.BODY_RAW) {
                    raw(b, off, len);
                    return;
                }
                continue;
            }
            int take = Math.min(len, cap - lineLength);
            if (line.length < lineLength + take) {
                byte[] bigger = new byte[Math.min(cap, Math.max(line.length * 2, lineLength + take))];
                System.arraycopy(line, 0, bigger, 0, lineLength);
                line = bigger;
            }
            System.arraycopy(b, off, line, lineLength, take);
            lineLength += take;
            off += take;
            len -= take;
        }
    }

    /** Ends the content: a last line without line end, an unterminated header section. */
    void finish() throws IOException {
        if (!started) {
            start();
        }
        if (mode != Mode.BODY_RAW && lineLength > 0) {
            int n = lineLength;
            if (line[n - 1] == '\r') {
                n--;
            }
            lineLength = 0;
            onLine(line, n, true);
        }
        if (mode == Mode.HEADERS) {
            boolean primary = mime.section() == MimeState.Section.PRIMARY_HEADER;
            flushHeader();
            if (primary) {
                endHeaders();
            }
        }
        if (rawFilter != null && !decisions.isDead()) {
            rawFilter.finish(sink);
        }
        sink.flush();
    }

    /** Content that arrives after commit is a caller bug; closing the stream does not end the message. */
    @Override
    public void close() {
    }

    @Override
    public void flush() {
    }

    private void onLine(byte[] b, int n, boolean eol) throws IOException {
        if (rawFilter != null) {
            StrayLineBreaks.mask(b, n); // before every check, as in Postfix
        }
        if (mode == Mode.HEADERS) {
            onHeaderLine(b, n);
        } else {
            onBodyLine(b, n, eol);
        }
    }

    /**
     * A line of a header section: primary, of a multipart part, or of an attached message. An
     * empty line or a line that is not a header ends the section; after the primary header a
     * missing empty line is inserted, after a part's header nothing is (the content stays as sent).
     */
    private void onHeaderLine(byte[] b, int n) throws IOException {
        if (n > 0 && (b[0] == ' ' || b[0] == '\t') && headerLength > 0) {
            appendHeader(CRLF, 2);
            appendHeader(b, n);
        } else if (n > 0 && isHeaderStart(b, n) && !mime.isBoundary(b, n)) {
            flushHeader();
            appendHeader(b, n);
        } else {
            boolean primary = mime.section() == MimeState.Section.PRIMARY_HEADER;
            flushHeader();
            if (primary) {
                endHeaders();
            }
            if (primary || n == 0) {
                out(CRLF, 0, 2);
            }
            onMimeEvent(mime.endHeaders());
            enterBody();
            if (n > 0) {
                onLine(b, n, true); // a body line, or the first line of an attached message
            }
        }
    }

    private void onMimeEvent(MimeState.Event event) {
        if (event == MimeState.Event.NESTING_EXCEEDED) {
            if (s.reportsMimeNesting) {
                decisions.reject(new SmtpReply(550, "5.6.0", "MIME nesting exceeds safety limit"), "mime-error",
                        lastContentType);
            } else {
                LOG.warn("{}: warning: MIME nesting exceeds safety limit ({}): deeper content is body: {}", queueId,
                        s.mimeNestingLimit, LogText.printable(ContentDecisions.truncate(lastContentType)));
            }
        } else if (event == MimeState.Event.BOUNDARY_TRUNCATED) {
            LOG.warn("{}: warning: MIME boundary longer than mime_boundary_length_limit ({}) is compared on its"
                    + " first {} bytes: {}", queueId, s.mimeBoundaryLengthLimit, mime.boundaryLimit(),
                    LogText.printable(ContentDecisions.truncate(lastContentType)));
        }
    }

    /**
     * After a header section: the headers of an attached message, or the body, read line by line
     * while body_checks look at this segment or boundaries may follow.
     */
    private void enterBody() {
        bodyBytes = 0;
        if (mime.inHeader()) {
            mode = Mode.HEADERS;
            return;
        }
        mode = decisions.isDead() || !checksBody() && mime.isSettled() ? Mode.BODY_RAW : Mode.BODY_LINES;
        if (mode == Mode.BODY_RAW) {
            header = null;
        }
    }

    /** body_checks apply to the current line: the first body_checks_size_limit bytes of each body segment. */
    private boolean checksBody() {
        return !s.bodyChecks.isEmpty() && !decisions.passed() && bodyBytes < s.bodyChecksSizeLimit;
    }

    private void appendHeader(byte[] b, int n) {
        int room = s.headerSizeLimit - headerLength;
        int take = Math.min(room, n);
        if (take <= 0) {
            return;
        }
        if (header == null) {
            header = new byte[Math.max(256, take)];
        }
        if (header.length < headerLength + take) {
            byte[] bigger = new byte[Math.max(header.length * 2, headerLength + take)];
            System.arraycopy(header, 0, bigger, 0, headerLength);
            header = bigger;
        }
        System.arraycopy(b, 0, header, headerLength, take);
        headerLength += take;
    }

    /** RFC 5322 field name (printable ASCII but ':'), optional blanks, then ':'. */
    private static boolean isHeaderStart(byte[] b, int n) {
        int i = 0;
        while (i < n && b[i] > 32 && b[i] < 127 && b[i] != ':') {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i < n && b[i] == ':';
    }

    private void flushHeader() throws IOException {
        if (headerLength == 0) {
            return;
        }
        String text = new String(header, 0, headerLength, StandardCharsets.UTF_8);
        byte[] raw = java.util.Arrays.copyOf(header, headerLength);
        headerLength = 0;
        if (decisions.isDead()) {
            return;
        }
        try {
            processHeader(text, raw);
        } catch (TableFailure e) {
            decisions.fail(e);
        }
    }

    private void processHeader(String text, byte[] raw) throws IOException, TableFailure {
        RawField field;
        try {
            field = RawFieldParser.DEFAULT.parseField(ContentUtil.encode(text));
        } catch (MimeException e) {
            out(raw, 0, raw.length);
            out(CRLF, 0, 2);
            return;
        }
        String name = field.getNameLowerCase();
        boolean primary = mime.section() == MimeState.Section.PRIMARY_HEADER;
        MimeState.HeaderClass headerClass = mime.classify(name);
        mime.header(field); // the structure follows the content as sent, whatever the checks do to it
        if (name.equals("content-type")) {
            lastContentType = MimeUtil.unfold(text);
        }
        if (!decisions.passed()) {
            TableList checks = headerClass == MimeState.HeaderClass.PRIMARY ? s.headerChecks
                    : headerClass == MimeState.HeaderClass.MIME ? s.mimeHeaderChecks : s.nestedHeaderChecks;
            String logical = MimeUtil.unfold(text);
            ContentDecisions.Action a = ContentDecisions.Action.lookup(checks, logical);
            if (a != null) {
                String verb = a.verb();
                if (verb.equals("PREPEND")) {
                    if (!a.text().isEmpty()) {
                        writeText(a.text());
                    }
                } else if (verb.equals("REPLACE")) {
                    if (!a.text().isEmpty()) {
                        text = a.text();
                        raw = null;
                        try {
                            field = RawFieldParser.DEFAULT.parseField(ContentUtil.encode(text));
                            name = field.getNameLowerCase();
                        } catch (MimeException e) {
                            writeText(text);
                            return;
                        }
                    }
                } else if (!decisions.act(a, "header", logical)) {
                    return; // deleted, or the message is gone
                }
            }
        }
        if (!primary) {
            writeHeader(text, raw); // headers of parts and attached messages are not rewritten
            return;
        }
        if (name.equals("received") && ++received > s.hopcountLimit) {
            decisions.reject(new SmtpReply(554, "5.4.0", "too many hops"), "header", "Received: (" + received + " headers)");
            return;
        }
        String value = text.substring(field.getDelimiterIdx() + 1);
        if (name.equals("message-id") && messageId == null) {
            messageId = MimeUtil.unfold(value).strip();
            LOG.info("{}: message-id={}", queueId, LogText.printable(messageId));
        } else if (name.equals("date")) {
            sawDate = true;
        } else if (name.equals("from")) {
            sawFrom = true;
        }
        boolean senderHeader = SENDER_HEADERS.contains(name);
        if (senderHeader || RECIPIENT_HEADERS.contains(name)) {
            String rewritten = headerAddresses.rewrite(field.getName(), value, senderHeader, name.equals("from"));
            if (rewritten != null) {
                writeText(rewritten);
                return;
            }
        }
        writeHeader(text, raw);
    }

    private void writeHeader(String text, byte[] raw) throws IOException {
        if (raw != null) {
            out(raw, 0, raw.length);
            out(CRLF, 0, 2);
        } else {
            writeText(text);
        }
    }

    /** Message-Id:, Date: and From: for clients in local_header_rewrite_clients, as Postfix's cleanup adds them. */
    private void endHeaders() throws IOException {
        if (decisions.isDead() || !localClient) {
            return;
        }
        if (messageId == null) {
            messageId = "<" + MESSAGE_ID_TIME.format(ZonedDateTime.now(s.clock)) + "." + queueId + "@"
                    + s.myhostname + ">";
            writeText("Message-Id: " + messageId);
            LOG.info("{}: message-id={}", queueId, messageId);
        }
        if (!sawDate) {
            writeText("Date: " + date());
        }
        if (!sawFrom) {
            String sender;
            try {
                sender = rewriter.rewriteSender(env.sender());
            } catch (TableFailure e) {
                decisions.fail(e);
                return;
            }
            writeText("From: " + (sender.isEmpty() ? "MAILER-DAEMON" : sender));
        }
    }

    /** A body line or a piece of an over-long one; MIME boundary lines are body lines too. */
    private void onBodyLine(byte[] b, int n, boolean eol) throws IOException {
        if (decisions.isDead()) {
            return;
        }
        if (checksBody()) {
            checkBodyLine(b, n, eol);
        } else {
            out(b, 0, n);
            if (eol) {
                out(CRLF, 0, 2);
            }
        }
        bodyBytes += n + (eol ? 2 : 0);
        mime.bodyPiece(b, n, eol);
        if (mime.inHeader()) {
            mode = Mode.HEADERS;
        } else if (decisions.isDead() || !checksBody() && mime.isSettled()) {
            mode = Mode.BODY_RAW;
            header = null;
        }
    }

    private void checkBodyLine(byte[] b, int n, boolean eol) throws IOException {
        String text = new String(b, 0, n, StandardCharsets.UTF_8);
        ContentDecisions.Action a;
        try {
            a = ContentDecisions.Action.lookup(s.bodyChecks, text);
        } catch (TableFailure e) {
            decisions.fail(e);
            return;
        }
        if (a != null) {
            String verb = a.verb();
            if (verb.equals("PREPEND")) {
                writeText(a.text());
            } else if (verb.equals("REPLACE")) {
                writeText(a.text());
                return;
            } else if (!decisions.act(a, "body", text)) {
                return;
            }
        }
        out(b, 0, n);
        if (eol) {
            out(CRLF, 0, 2);
        }
    }

    /** The first From: address, or null when the message had none. */
    String fromAddress() {
        return headerAddresses.fromAddress();
    }

    private void writeText(String text) throws IOException {
        String lines = text.replace("\r\n", "\n");
        if (rawFilter != null) {
            lines = lines.replace('\r', ' '); // a CR from a table value is no line end either
        }
        byte[] b = lines.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        out(b, 0, b.length);
        out(CRLF, 0, 2);
    }

    /** Content copied through without line splitting, stray CR and LF replaced when so configured. */
    private void raw(byte[] b, int off, int len) throws IOException {
        if (decisions.isDead()) {
            return;
        }
        if (rawFilter != null) {
            rawFilter.write(b, off, len, sink);
        } else {
            sink.write(b, off, len);
        }
    }

    private void out(byte[] b, int off, int len) throws IOException {
        if (!decisions.isDead()) {
            sink.write(b, off, len);
        }
    }


}
