// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.AddressFormatter;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.apache.james.mime4j.util.ContentUtil;
import org.apache.james.mime4j.util.MimeUtil;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.TableList.TableFailure;
import org.postern.core.queue.Envelope;
import org.postern.core.queue.EnvelopeRecipient;
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
    private final MimeState mime;

    private Mode mode = Mode.HEADERS;
    private byte[] line;
    private int lineLength;
    private byte[] header;
    private int headerLength;
    private long bodyBytes;
    private boolean passed;
    private boolean dead;
    private int received;
    private boolean started;
    private String lastContentType = "";

    // What the content told us.
    CleanupRejection rejection;
    TableFailure failure;
    String hold;
    String discard;
    String filter;
    String redirect;
    final List<String> bcc = new ArrayList<>();
    String messageId;
    String fromAddress;
    private boolean sawDate;
    private boolean sawFrom;

    ContentProcessor(CleanupSettings settings, AddressRewriter rewriter, String queueId, Envelope envelope,
                     OutputStream sink) {
        this.s = settings;
        this.rewriter = rewriter;
        this.queueId = queueId;
        this.env = envelope;
        this.sink = sink;
        this.localClient = settings.rewritesHeadersOf(envelope.attributes().get("client_address"),
                envelope.attributes().get("sasl_username"));
        this.mime = new MimeState(settings.disableMimeInputProcessing, settings.mimeNestingLimit,
                settings.mimeBoundaryLengthLimit, settings.lineLengthLimit);
        this.line = new byte[256];
    }

    /** smtpd's PREPEND lines and the Received: header, before any content. */
    void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        String prepend = env.attributes().get("prepend");
        if (prepend != null && !prepend.isEmpty()) {
            for (String p : prepend.split("\n")) {
                writeText(p);
            }
        }
        writeText(receivedHeader());
    }

    private String receivedHeader() {
        var a = env.attributes();
        StringBuilder b = new StringBuilder("Received:");
        String addr = a.get("client_address");
        if (addr != null && !addr.isEmpty()) {
            String name = a.getOrDefault("client_name", "unknown");
            String helo = a.get("helo_name");
            String rfcAddr = addr.indexOf(':') >= 0 && !addr.startsWith("IPv6:") ? "IPv6:" + addr : addr;
            b.append(" from ").append(helo == null || helo.isEmpty() ? name : helo)
                    .append(" (").append(name).append(" [").append(rfcAddr).append("])\r\n\t");
            String tls = a.get("tls_protocol");
            if (tls != null && !tls.isEmpty()) {
                b.append("(using ").append(tls).append(" with cipher ").append(a.getOrDefault("tls_cipher", "unknown"))
                        .append(")\r\n\t");
            }
            String user = a.get("sasl_username");
            if ("yes".equals(a.get("sasl_authenticated_header")) && user != null && !user.isEmpty()) {
                // smtpd_sasl_authenticated_header = yes, as Postfix writes it.
                b.append("(Authenticated sender: ").append(user.replaceAll("[\\r\\n()]", "?")).append(")\r\n\t");
            }
        } else {
            b.append(' ');
        }
        b.append("by ").append(s.myhostname).append(" (Postern)");
        String protocol = a.get("protocol");
        if (addr != null && !addr.isEmpty()) {
            b.append(" with ").append(protocol == null || protocol.isEmpty() ? "SMTP" : protocol);
        }
        b.append(" id ").append(queueId);
        if (env.recipients().size() == 1) {
            b.append("\r\n\tfor <").append(env.recipients().get(0).address()).append('>');
        }
        b.append("; ").append(date());
        return b.toString();
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
                if (!dead) {
                    sink.write(b, i, end - i);
                }
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
                int n = lineLength;
                lineLength = 0;
                onLine(line, n, false);
                if (mode == Mode.BODY_RAW) {
                    if (!dead) {
                        sink.write(b, off, len);
                    }
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
                reject(new SmtpReply(550, "5.6.0", "MIME nesting exceeds safety limit"), "mime-error",
                        lastContentType);
            } else {
                LOG.warn("{}: warning: MIME nesting exceeds safety limit ({}): deeper content is body: {}", queueId,
                        s.mimeNestingLimit, LogText.printable(truncate(lastContentType)));
            }
        } else if (event == MimeState.Event.BOUNDARY_TRUNCATED) {
            LOG.warn("{}: warning: MIME boundary longer than mime_boundary_length_limit ({}) is compared on its"
                    + " first {} bytes: {}", queueId, s.mimeBoundaryLengthLimit, mime.boundaryLimit(),
                    LogText.printable(truncate(lastContentType)));
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
        mode = dead || !checksBody() && mime.isSettled() ? Mode.BODY_RAW : Mode.BODY_LINES;
        if (mode == Mode.BODY_RAW) {
            header = null;
        }
    }

    /** body_checks apply to the current line: the first body_checks_size_limit bytes of each body segment. */
    private boolean checksBody() {
        return !s.bodyChecks.isEmpty() && !passed && bodyBytes < s.bodyChecksSizeLimit;
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
        if (dead) {
            return;
        }
        try {
            processHeader(text, raw);
        } catch (TableFailure e) {
            fail(e);
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
        if (!passed) {
            TableList checks = headerClass == MimeState.HeaderClass.PRIMARY ? s.headerChecks
                    : headerClass == MimeState.HeaderClass.MIME ? s.mimeHeaderChecks : s.nestedHeaderChecks;
            String logical = MimeUtil.unfold(text);
            Action a = Action.lookup(checks, logical);
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
                } else if (!act(a, "header", logical)) {
                    return; // deleted, or the message is gone
                }
            }
        }
        if (!primary) {
            writeHeader(text, raw); // headers of parts and attached messages are not rewritten
            return;
        }
        if (name.equals("received") && ++received > s.hopcountLimit) {
            reject(new SmtpReply(554, "5.4.0", "too many hops"), "header", "Received: (" + received + " headers)");
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
            String rewritten = rewriteAddresses(field.getName(), value, senderHeader, name.equals("from"));
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

    /** Rewrites the addresses of one header for local clients; null when nothing changed. */
    private String rewriteAddresses(String name, String value, boolean senderHeader, boolean from)
            throws TableFailure {
        String plain = PlainHeaderAddress.of(value);
        if (plain != null) {
            if (from && fromAddress == null) {
                fromAddress = plain;
            }
            if (!localClient || rewriter.rewriteHeaderAddress(plain, senderHeader).equals(plain)) {
                return null;
            }
            // changed: the full parser below rebuilds the header as for any other value
        }
        AddressList list;
        try {
            list = DefaultAddressParser.DEFAULT.parseAddressList(MimeUtil.unfold(value));
        } catch (ParseException | RuntimeException e) {
            return null;
        }
        if (from && fromAddress == null) {
            MailboxList boxes = list.flatten();
            if (!boxes.isEmpty()) {
                fromAddress = mailboxAddress(boxes.get(0));
            }
        }
        if (!localClient) {
            return null;
        }
        boolean changed = false;
        StringBuilder b = new StringBuilder(name).append(": ");
        boolean first = true;
        for (Address a : list) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            if (a instanceof Mailbox) {
                Mailbox m = (Mailbox) a;
                Mailbox n = rewrite(m, senderHeader);
                changed |= n != m;
                AddressFormatter.DEFAULT.format(b, n, false);
            } else {
                Group g = (Group) a;
                List<Mailbox> members = new ArrayList<>();
                for (Mailbox m : g.getMailboxes()) {
                    Mailbox n = rewrite(m, senderHeader);
                    changed |= n != m;
                    members.add(n);
                }
                AddressFormatter.DEFAULT.format(b, new Group(g.getName(), members), false);
            }
        }
        return changed ? b.toString() : null;
    }

    private Mailbox rewrite(Mailbox m, boolean senderHeader) throws TableFailure {
        String before = mailboxAddress(m);
        String after = rewriter.rewriteHeaderAddress(before, senderHeader);
        if (after.equals(before)) {
            return m;
        }
        int at = after.lastIndexOf('@');
        return new Mailbox(m.getName(), m.getRoute(), at < 0 ? after : after.substring(0, at),
                at < 0 ? null : after.substring(at + 1));
    }

    private static String mailboxAddress(Mailbox m) {
        return m.getDomain() == null || m.getDomain().isEmpty() ? m.getLocalPart()
                : m.getLocalPart() + "@" + m.getDomain();
    }

    /** Message-Id:, Date: and From: for clients in local_header_rewrite_clients, as Postfix's cleanup adds them. */
    private void endHeaders() throws IOException {
        if (dead || !localClient) {
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
                fail(e);
                return;
            }
            writeText("From: " + (sender.isEmpty() ? "MAILER-DAEMON" : sender));
        }
    }

    /** A body line or a piece of an over-long one; MIME boundary lines are body lines too. */
    private void onBodyLine(byte[] b, int n, boolean eol) throws IOException {
        if (dead) {
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
        } else if (dead || !checksBody() && mime.isSettled()) {
            mode = Mode.BODY_RAW;
            header = null;
        }
    }

    private void checkBodyLine(byte[] b, int n, boolean eol) throws IOException {
        String text = new String(b, 0, n, StandardCharsets.UTF_8);
        Action a;
        try {
            a = Action.lookup(s.bodyChecks, text);
        } catch (TableFailure e) {
            fail(e);
            return;
        }
        if (a != null) {
            String verb = a.verb();
            if (verb.equals("PREPEND")) {
                writeText(a.text());
            } else if (verb.equals("REPLACE")) {
                writeText(a.text());
                return;
            } else if (!act(a, "body", text)) {
                return;
            }
        }
        out(b, 0, n);
        if (eol) {
            out(CRLF, 0, 2);
        }
    }

    /**
     * The actions other than PREPEND and REPLACE; false when the line is to be dropped
     * (IGNORE, STRIP, or the message is rejected/discarded).
     */
    private boolean act(Action a, String where, String what) {
        String t = a.text();
        switch (a.verb()) {
            case "REJECT":
                reject(rejectReply(t), where, what);
                return false;
            case "DISCARD":
                logAction("discard", where, what, t);
                discard = where + " " + truncate(what) + (t.isEmpty() ? "" : ": " + t);
                dead = true;
                return false;
            case "IGNORE":
                return false;
            case "STRIP":
                logAction("strip", where, what, t);
                return false;
            case "WARN":
                logAction("warning", where, what, t);
                return true;
            case "INFO":
                logAction("info", where, what, t);
                return true;
            case "HOLD":
                logAction("hold", where, what, t);
                hold = t.isEmpty() ? where + " " + truncate(what) : t;
                return true;
            case "FILTER":
                logAction("filter", where, what, t);
                filter = t;
                return true;
            case "REDIRECT":
                logAction("redirect", where, what, t);
                redirect = t;
                return true;
            case "BCC":
                logAction("bcc", where, what, t);
                bcc.add(t);
                return true;
            case "PASS":
                logAction("pass", where, what, t);
                passed = true;
                return true;
            case "DUNNO":
            case "OK":
                return true;
            default:
                LOG.warn("{}: warning: unknown command in {}_checks: \"{}\"", queueId, where, LogText.printable(a.verb()));
                return true;
        }
    }

    /** "REJECT [d.d.d] text": 550 5.7.1 (451 for a 4.x.x status), default "message content rejected". */
    static SmtpReply rejectReply(String text) {
        String t = text.strip();
        String dsn = "5.7.1";
        int sp = t.indexOf(' ');
        String head = sp < 0 ? t : t.substring(0, sp);
        if (head.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            dsn = head.charAt(0) == '2' ? "5" + head.substring(1) : head;
            t = sp < 0 ? "" : t.substring(sp + 1).strip();
        }
        if (t.isEmpty()) {
            t = "message content rejected";
        }
        return new SmtpReply(dsn.startsWith("4") ? 451 : 550, dsn, t.replace('\r', ' ').replace('\n', ' '));
    }

    private void reject(SmtpReply reply, String where, String what) {
        if (rejection == null) {
            logAction("reject", where, what, reply.enhancedCode() + " " + reply.text());
            rejection = new CleanupRejection(reply);
        }
        dead = true;
    }

    private void fail(TableFailure e) {
        if (failure == null) {
            LOG.warn("{}: warning: {}", queueId, e.getMessage());
            failure = e;
        }
        dead = true;
    }

    boolean isDead() {
        return dead;
    }

    /** Postfix's line: "ID: reject: header Subject: x from host[addr]; from=<s> to=<r> proto=ESMTP helo=<h>: text". */
    private void logAction(String action, String where, String what, String text) {
        var a = env.attributes();
        StringBuilder b = new StringBuilder();
        b.append(queueId).append(": ").append(action).append(": ").append(where).append(' ').append(LogText.printable(what));
        String addr = a.get("client_address");
        if (addr != null && !addr.isEmpty()) {
            b.append(" from ").append(a.getOrDefault("client_name", "unknown")).append('[').append(addr).append(']');
        } else {
            b.append(" from local");
        }
        b.append("; from=<").append(LogText.printable(env.sender())).append('>');
        List<EnvelopeRecipient> r = env.recipients();
        if (!r.isEmpty()) {
            b.append(" to=<").append(LogText.printable(r.get(0).address())).append('>');
        }
        if (a.get("protocol") != null) {
            b.append(" proto=").append(a.get("protocol"));
        }
        if (a.get("helo_name") != null) {
            b.append(" helo=<").append(LogText.printable(a.get("helo_name"))).append('>');
        }
        if (!text.isEmpty()) {
            b.append(": ").append(LogText.printable(text));
        }
        if (action.equals("warning")) {
            LOG.warn(b.toString());
        } else {
            LOG.info(b.toString());
        }
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    private void writeText(String text) throws IOException {
        byte[] b = text.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        out(b, 0, b.length);
        out(CRLF, 0, 2);
    }

    private void out(byte[] b, int off, int len) throws IOException {
        if (!dead) {
            sink.write(b, off, len);
        }
    }

    /** One header_checks/body_checks result: the action word and its text. */
    record Action(String verb, String text) {
        static Action lookup(TableList tables, String line) throws TableFailure {
            if (tables.isEmpty()) {
                return null;
            }
            var found = tables.find(line, false);
            if (found.isEmpty()) {
                return null;
            }
            String v = found.get().strip();
            int sp = 0;
            while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
                sp++;
            }
            return new Action(v.substring(0, sp).toUpperCase(Locale.ROOT), v.substring(sp).strip());
        }
    }
}
