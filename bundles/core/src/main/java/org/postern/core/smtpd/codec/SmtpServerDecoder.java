// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.postern.core.smtp.SmtpReply;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * SUMMARY   The SMTP server's inbound codec: bytes in, {@link SmtpRequest}s out, one request at a
 *           time.
 * DESCRIPTION
 *   Three modes. COMMAND: lines up to {@code lineLimit} bytes (line_length_limit) are parsed by
 *   {@link SmtpCommandParser}; a longer line is cut at the limit and the rest skipped, as
 *   Postfix's smtp_get() does, and a command line with a NUL is refused (500 5.5.2) unless what precedes the NUL is non-SMTP input. DATA (after {@link #startData()}): dot-unstuffed content lines until the end-of-data
 *   line, which under smtpd_forbid_bare_newline=normalize|reject is recognised only as
 *   CRLF "." CRLF. BDAT: exactly the announced number of bytes, entered by the decoder itself when
 *   it parses a BDAT command (the chunk follows whether or not the server accepts it). After a
 *   334 challenge ({@link #expectSaslResponse(int)}) the next line is a SASL response, not a
 *   command.
 *   <p>Flow control: after each request that needs an answer (a command, the end of DATA or of a
 *   chunk) the decoder stops until the session calls {@link #resume()}; pipelined input waits in
 *   the buffer (reading stops when more than 256 KB wait). This keeps replies in order while the
 *   session runs restrictions off the event loop, and lets STARTTLS throw away everything the
 *   client sent after it ({@link #discardBuffered()}, CVE-2011-0411).
 *   <p>Content lines longer than the line limit are passed on in pieces ({@code endOfLine=false}),
 *   like Postfix's record splitting; a bare LF ends a content line and becomes CRLF unless the
 *   policy is REJECT. A bare CR is content.
 * SECURITY  All input is untrusted. Memory per session is bounded by the line limit and the
 *           256 KB read-ahead.
 */
public final class SmtpServerDecoder extends ChannelInboundHandlerAdapter {

    static final SmtpReply BAD_UTF8 = new SmtpReply(500, "5.5.2", "Error: bad UTF-8 syntax");
    static final SmtpReply SASL_RESPONSE_TOO_LONG = new SmtpReply(500, "5.5.6", "SASL response limit exceeded");
    private static final int HIGH_WATER = 256 * 1024;

    private enum Mode { COMMAND, DATA, BDAT }

    private final int lineLimit;
    private final int fragmentLimit;
    private volatile BareNewlinePolicy policy;
    private ChannelHandlerContext ctx;
    private ByteBuf buf;
    private Mode mode = Mode.COMMAND;
    private boolean demand = true;
    private boolean draining;
    private boolean discardingLongLine;
    /** DATA under smtpd_forbid_bare_newline = reject saw a bare LF: the end of data is refused. */
    private boolean dataBareLf;
    /** The first line_length_limit bytes of the over-long command line being skipped. */
    private byte[] longLinePrefix;
    private boolean readingPaused;
    private boolean lastCommandBareLf;
    private boolean failed;
    /** The next line is a SASL response of at most this many bytes, not a command; 0 otherwise. */
    private int saslResponseLimit;
    // DATA
    private boolean atLineStart;
    private boolean prevBareLf;
    // BDAT
    private long chunkSize;
    private long chunkRemaining;
    private boolean chunkLast;
    private boolean pendingCr;
    private byte[] line;
    private int lineLen;

    /**
     * @param lineLimit  the longest command line (line_length_limit, at least RFC 5321's 512)
     * @param policy     smtpd_forbid_bare_newline for this client (NO when excluded)
     */
    public SmtpServerDecoder(int lineLimit, BareNewlinePolicy policy) {
        this.lineLimit = Math.max(lineLimit, 512);
        this.fragmentLimit = Math.max(lineLimit, 1024);
        this.policy = policy;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.buf = ctx.alloc().heapBuffer(1024);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    private void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        try {
            if (buf == null || failed) {
                return;
            }
            buf.writeBytes(in);
        } finally {
            in.release();
        }
        drain();
        if (buf != null && !demand && buf.readableBytes() > HIGH_WATER && !readingPaused) {
            readingPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** Lets the decoder hand on the next request (call when the previous one is answered). */
    public void resume() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::resume);
            return;
        }
        demand = true;
        if (readingPaused) {
            readingPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
        if (!draining) {
            drain();
        }
    }

    /**
     * Stops handing on requests until {@link #resume()}: the session calls this when the connection
     * opens, so that nothing a client sends before the greeting is acted on (it waits in the buffer
     * and counts as improper pipelining).
     */
    public void pause() {
        demand = false;
    }

    /** Switches to DATA content; call before {@link #resume()} after answering DATA with 354. */
    public void startData() {
        mode = Mode.DATA;
        atLineStart = true;
        prevBareLf = lastCommandBareLf;
    }

    /**
     * Hands on the next line as a {@link SmtpRequest.SaslResponse} (RFC 4954 section 4), or as
     * "500 5.5.6 SASL response limit exceeded" when longer than {@code limit} bytes
     * (smtpd_sasl_response_limit); call before {@link #resume()} after sending a 334 challenge.
     */
    public void expectSaslResponse(int limit) {
        saslResponseLimit = Math.max(limit, 1);
    }

    /** Throws away every byte received and not yet decoded (STARTTLS, CVE-2011-0411). */
    public int discardBuffered() {
        int n = buf == null ? 0 : buf.readableBytes();
        if (buf != null) {
            buf.clear();
        }
        discardingLongLine = false;
        return n;
    }

    /** Whether the next bytes are DATA or BDAT content rather than a command line. */
    public boolean readingContent() {
        return mode != Mode.COMMAND;
    }

    /** Bytes received and not yet decoded (for reject_unauth_pipelining and pre-greet detection). */
    public boolean hasBufferedInput() {
        return buf != null && buf.isReadable();
    }

    /** A short, printable view of the buffered input (for "improper command pipelining" logs). */
    public String peekBuffered(int max) {
        if (buf == null) {
            return "";
        }
        int n = Math.min(max, buf.readableBytes());
        return buf.toString(buf.readerIndex(), n, StandardCharsets.ISO_8859_1);
    }

    public void setPolicy(BareNewlinePolicy policy) {
        this.policy = policy;
    }

    private void drain() {
        draining = true;
        try {
            while (demand && buf != null && !failed && decodeOne()) {
                // keep going
            }
        } finally {
            draining = false;
        }
        if (buf != null) {
            buf.discardSomeReadBytes();
        }
        if (demand) {
            ctx.channel().flush(); // waiting for input: replies held back for pipelining go now
        }
    }

    private boolean decodeOne() {
        switch (mode) {
            case DATA:
                return decodeData();
            case BDAT:
                return decodeBdat();
            default:
                return decodeCommand();
        }
    }

    private void emit(SmtpRequest request) {
        if (!(request instanceof SmtpRequest.Content)) {
            demand = false;
        }
        if (request instanceof SmtpRequest.BareLineFeed b && !b.afterData()) {
            failed = true; // the session hangs up; nothing after this is decoded
            buf.skipBytes(buf.readableBytes());
        }
        ctx.fireChannelRead(request);
    }

    private boolean decodeCommand() {
        int limit = saslResponseLimit > 0 ? saslResponseLimit : lineLimit;
        int r = buf.readerIndex();
        int w = buf.writerIndex();
        int lf = buf.indexOf(r, w, (byte) '\n');
        if (lf < 0) {
            if (w - r > limit + 1) {
                if (!discardingLongLine) {
                    longLinePrefix = bytes(r, limit);
                }
                buf.skipBytes(w - r);
                discardingLongLine = true;
            }
            return false;
        }
        int end = lf;
        boolean crlf = end > r && buf.getByte(end - 1) == '\r';
        if (crlf) {
            end--;
        }
        int len = end - r;
        buf.readerIndex(lf + 1);
        boolean saslResponse = saslResponseLimit > 0;
        saslResponseLimit = 0;
        byte[] line = null;
        if (discardingLongLine || len > limit) {
            line = discardingLongLine ? longLinePrefix : bytes(r, limit);
            discardingLongLine = false;
            longLinePrefix = null;
            if (saslResponse) {
                emit(new SmtpRequest.Invalid("auth", SASL_RESPONSE_TOO_LONG, ""));
                return true;
            }
            // As Postfix's smtp_get(): the line is cut at line_length_limit and the rest skipped.
        }
        if (!crlf && policy == BareNewlinePolicy.REJECT) {
            emit(new SmtpRequest.BareLineFeed(false));
            return true;
        }
        lastCommandBareLf = !crlf;
        if (saslResponse) {
            // base64 or "*": anything else fails in the exchange, so bytes are taken as they are.
            emit(new SmtpRequest.SaslResponse(buf.toString(r, len, StandardCharsets.ISO_8859_1)));
            return true;
        }
        byte[] raw = line != null ? line : bytes(r, len);
        byte[] command = beforeNul(raw);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(command)).toString();
        } catch (CharacterCodingException e) {
            emit(new SmtpRequest.Invalid("unknown", BAD_UTF8, ""));
            return true;
        }
        SmtpRequest request = SmtpCommandParser.parse(text);
        if (command.length < raw.length && !(request instanceof SmtpRequest.Forbidden)
                && !(request instanceof SmtpRequest.Unknown)) {
            // A NUL inside a command: refused whole. What precedes it decides only whether this
            // is non-SMTP input (a TLS ClientHello: Unknown, which smtpd_forbidden_commands ends).
            emit(new SmtpRequest.Invalid(request.verb(), SmtpCommandParser.BAD_SYNTAX, ""));
            return true;
        }
        if (request instanceof SmtpRequest.Bdat) {
            SmtpRequest.Bdat bdat = (SmtpRequest.Bdat) request;
            mode = Mode.BDAT;
            chunkSize = bdat.size();
            chunkRemaining = bdat.size();
            chunkLast = bdat.last();
        }
        emit(request);
        return true;
    }

    /**
     * The command up to its first NUL, for the forbidden-command check only: Postfix reads a
     * command line as a C string, so a TLS record on the plaintext port is judged by its first
     * bytes. A command with a NUL is otherwise refused (Postfix would take "EHLO a\0b" as
     * "EHLO a"; refusing it is safer). No NUL reaches the session.
     */
    private static byte[] beforeNul(byte[] line) {
        for (int i = 0; i < line.length; i++) {
            if (line[i] == 0) {
                byte[] cut = new byte[i];
                System.arraycopy(line, 0, cut, 0, i);
                return cut;
            }
        }
        return line;
    }

    private byte[] bytes(int index, int length) {
        byte[] b = new byte[length];
        buf.getBytes(index, b);
        return b;
    }

    private boolean decodeData() {
        int r = buf.readerIndex();
        int w = buf.writerIndex();
        if (r == w) {
            return false;
        }
        int lf = buf.indexOf(r, w, (byte) '\n');
        if (lf < 0) {
            int n = w - r;
            if (n < fragmentLimit) {
                return false;
            }
            n = fragmentLimit;
            if (buf.getByte(r + n - 1) == '\r') {
                n--; // keep a CR that may start a CRLF
            }
            int start = r;
            if (atLineStart && buf.getByte(r) == '.') {
                start++;
            }
            byte[] piece = bytes(start, r + n - start);
            buf.readerIndex(r + n);
            atLineStart = false;
            emit(new SmtpRequest.Content(piece, false));
            return true;
        }
        int end = lf;
        boolean crlf = end > r && buf.getByte(end - 1) == '\r';
        if (crlf) {
            end--;
        }
        if (!crlf && policy == BareNewlinePolicy.REJECT) {
            // As Postfix: read on to the end of the data, then refuse the message; the session goes on.
            buf.readerIndex(lf + 1);
            dataBareLf = true;
            prevBareLf = true;
            atLineStart = true;
            return true;
        }
        int start = r;
        if (atLineStart && end > start && buf.getByte(start) == '.') {
            // RFC 5321 section 4.5.2: a leading dot is removed; a line of just "." ends the data.
            if (end - start == 1 && (!policy.strictEndOfData() || crlf && !prevBareLf)) {
                buf.readerIndex(lf + 1);
                mode = Mode.COMMAND;
                lastCommandBareLf = !crlf;
                if (dataBareLf) {
                    dataBareLf = false;
                    emit(new SmtpRequest.BareLineFeed(true));
                    return true;
                }
                emit(new SmtpRequest.EndOfData());
                return true;
            }
            start++;
        }
        byte[] content = bytes(start, end - start);
        buf.readerIndex(lf + 1);
        prevBareLf = !crlf;
        atLineStart = true;
        emit(new SmtpRequest.Content(content, true));
        return true;
    }

    private boolean decodeBdat() {
        if (chunkRemaining == 0) {
            if (chunkLast && pendingCr) {
                emit(new SmtpRequest.Content(new byte[] {'\r'}, false));
            }
            if (chunkLast) {
                pendingCr = false;
                line = null;
            }
            mode = Mode.COMMAND;
            emit(new SmtpRequest.EndOfChunk(chunkSize, chunkLast));
            return true;
        }
        int n = (int) Math.min(buf.readableBytes(), chunkRemaining);
        if (n == 0) {
            return false;
        }
        if (line == null) {
            line = new byte[fragmentLimit];
            lineLen = 0;
        }
        int r = buf.readerIndex();
        for (int i = 0; i < n; i++) {
            byte b = buf.getByte(r + i);
            if (b == '\n') {
                if (!pendingCr && policy == BareNewlinePolicy.REJECT) {
                    buf.skipBytes(n);
                    chunkRemaining -= n;
                    mode = Mode.COMMAND;
                    emit(new SmtpRequest.BareLineFeed(false));
                    return true;
                }
                pendingCr = false;
                emitLine(true);
            } else {
                if (pendingCr) {
                    pendingCr = false;
                    append((byte) '\r');
                }
                if (b == '\r') {
                    pendingCr = true;
                } else {
                    append(b);
                }
            }
        }
        if (lineLen > 0) {
            emitLine(false);
        }
        buf.skipBytes(n);
        chunkRemaining -= n;
        return true;
    }

    private void append(byte b) {
        line[lineLen++] = b;
        if (lineLen == line.length) {
            emitLine(false);
        }
    }

    private void emitLine(boolean endOfLine) {
        byte[] b = new byte[lineLen];
        System.arraycopy(line, 0, b, 0, lineLen);
        lineLen = 0;
        emit(new SmtpRequest.Content(b, endOfLine));
    }
}
