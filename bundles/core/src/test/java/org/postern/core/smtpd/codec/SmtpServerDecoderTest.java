// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

class SmtpServerDecoderTest {

    /** Records what the decoder emits, answering at once like a session that never waits. */
    private static final class Collector extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();
        final SmtpServerDecoder decoder;
        boolean autoResume = true;

        Collector(SmtpServerDecoder decoder) {
            this.decoder = decoder;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            SmtpRequest r = (SmtpRequest) msg;
            seen.add(describe(r));
            if (r instanceof SmtpRequest.Data) {
                decoder.startData();
            }
            if (!(r instanceof SmtpRequest.Content) && autoResume) {
                decoder.resume();
            }
        }
    }

    private static String describe(SmtpRequest r) {
        if (r instanceof SmtpRequest.Content) {
            SmtpRequest.Content c = (SmtpRequest.Content) r;
            return "content:" + new String(c.bytes(), StandardCharsets.ISO_8859_1) + (c.endOfLine() ? "<EOL>" : "");
        }
        return r.toString();
    }

    private record Run(EmbeddedChannel channel, Collector collector, SmtpServerDecoder decoder) {
    }

    /** Every channel a test opened; closed after each test so that the decoder frees its buffer. */
    private static final List<EmbeddedChannel> OPEN = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        OPEN.forEach(EmbeddedChannel::finishAndReleaseAll);
        OPEN.clear();
    }

    private static Run run(BareNewlinePolicy policy, int lineLimit) {
        SmtpServerDecoder decoder = new SmtpServerDecoder(lineLimit, policy);
        Collector collector = new Collector(decoder);
        EmbeddedChannel ch = new EmbeddedChannel(decoder, collector);
        OPEN.add(ch);
        decoder.resume();
        return new Run(ch, collector, decoder);
    }

    private static List<String> decode(BareNewlinePolicy policy, byte[]... pieces) {
        Run r = run(policy, 2048);
        for (byte[] p : pieces) {
            r.channel.writeInbound(Unpooled.wrappedBuffer(p));
        }
        r.channel.checkException();
        return merge(r.collector.seen);
    }

    /** Content pieces joined per line, so that different splits compare equal. */
    private static List<String> merge(List<String> seen) {
        List<String> out = new ArrayList<>();
        StringBuilder partial = null;
        for (String s : seen) {
            if (s.startsWith("content:")) {
                String body = s.substring(8);
                if (partial == null) {
                    partial = new StringBuilder("content:");
                }
                partial.append(body);
                if (body.endsWith("<EOL>")) {
                    out.add(partial.toString());
                    partial = null;
                }
            } else {
                if (partial != null) {
                    out.add(partial.toString());
                    partial = null;
                }
                out.add(s);
            }
        }
        if (partial != null) {
            out.add(partial.toString());
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertSameAtEverySplit(BareNewlinePolicy policy, String input) {
        byte[] all = bytes(input);
        List<String> whole = decode(policy, all);
        for (int i = 1; i < all.length; i++) {
            byte[] a = java.util.Arrays.copyOfRange(all, 0, i);
            byte[] b = java.util.Arrays.copyOfRange(all, i, all.length);
            assertThat(decode(policy, a, b)).as("split at %d", i).isEqualTo(whole);
        }
        byte[][] single = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            single[i] = new byte[] {all[i]};
        }
        assertThat(decode(policy, single)).as("byte by byte").isEqualTo(whole);
    }

    @Test
    void sessionShouldDecodeTheSameAtEveryByteBoundary() {
        String input = "EHLO client.example\r\nMAIL FROM:<a@b.example> SIZE=100\r\nRCPT TO:<c@d.example>\r\n"
                + "DATA\r\nSubject: hi\r\n\r\n..dotted\r\nbody\r\n.\r\nQUIT\r\n";
        List<String> whole = decode(BareNewlinePolicy.NORMALIZE, bytes(input));
        assertThat(whole).containsExactly(
                "Helo[domain=client.example, extended=true]",
                "Mail[sender=a@b.example, size=100, body=null, smtputf8=false, ret=null, envid=null, nonAscii=false,"
                        + " hasEsmtpParameters=true, firstParameter=SIZE=100, auth=null, bracketed=true, requireTls=false,"
                        + " parameters=[SIZE=100]]",
                "Rcpt[recipient=c@d.example, notifyOn=null, orcpt=null, nonAscii=false, hasEsmtpParameters=false,"
                        + " firstParameter=null, bracketed=true, parameters=[]]",
                "Data[]",
                "content:Subject: hi<EOL>",
                "content:<EOL>",
                "content:.dotted<EOL>",
                "content:body<EOL>",
                "EndOfData[]",
                "Quit[]");
        assertSameAtEverySplit(BareNewlinePolicy.NORMALIZE, input);
        assertSameAtEverySplit(BareNewlinePolicy.NO, input);
        assertSameAtEverySplit(BareNewlinePolicy.REJECT, input);
    }

    // SMTP smuggling (CVE-2023-51764 and friends): only CRLF "." CRLF ends DATA under
    // normalize/reject; RFC 5321 section 4.1.1.4 and section 2.3.8 (lines end with CRLF).
    static Stream<Arguments> smugglingPayloads() {
        return Stream.of(
                Arguments.of("<LF>.<LF>", "\n.\n"),
                Arguments.of("<CR>.<CR>", "\r.\r"),
                Arguments.of("CRLF.LF", "\r\n.\n"),
                Arguments.of("LF.CRLF", "\n.\r\n"),
                Arguments.of("CR.CRLF", "\r.\r\n"),
                Arguments.of("CRLF.CR", "\r\n.\r"));
    }

    private static String smuggle(String payload) {
        return "DATA\r\nSubject: x\r\n\r\nbody" + payload + "MAIL FROM:<evil@example.org>\r\n"
                + "RCPT TO:<victim@example.net>\r\nDATA\r\n\r\n.\r\nQUIT\r\n";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingPayloads")
    void normalizeShouldNotEndDataAtSmugglingPayloadAtAnySplit(String name, String payload) {
        String input = smuggle(payload);
        List<String> whole = decode(BareNewlinePolicy.NORMALIZE, bytes(input));
        assertThat(whole).noneMatch(s -> s.startsWith("Mail[") || s.startsWith("Rcpt["));
        assertThat(whole.stream().filter(s -> s.equals("EndOfData[]")).count()).isEqualTo(1);
        assertThat(whole.get(whole.size() - 1)).isEqualTo("Quit[]");
        assertSameAtEverySplit(BareNewlinePolicy.NORMALIZE, input);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smugglingPayloads")
    void rejectShouldNeverEndDataAtSmugglingPayload(String name, String payload) {
        String input = smuggle(payload);
        List<String> whole = decode(BareNewlinePolicy.REJECT, bytes(input));
        assertThat(whole).noneMatch(s -> s.startsWith("Mail["));
        if (payload.replace("\r\n", "").contains("\n")) {
            // As Postfix: read on to CRLF "." CRLF, then refuse the message.
            assertThat(whole).contains("BareLineFeed[afterData=true]");
        }
        assertSameAtEverySplit(BareNewlinePolicy.REJECT, input);
    }

    @Test
    void noShouldEndDataAtBareLfDotBareLfLikePostfix() {
        // Postfix smtpd_forbid_bare_newline=no: bare LF is a line end everywhere, also here.
        List<String> seen = decode(BareNewlinePolicy.NO, bytes(smuggle("\n.\n")));
        assertThat(seen).anyMatch(s -> s.startsWith("Mail[sender=evil@example.org"));
    }

    @Test
    void bareCrShouldStayContentInEveryMode() {
        for (BareNewlinePolicy p : BareNewlinePolicy.values()) {
            List<String> seen = decode(p, bytes("DATA\r\na\rb\r\n.\r\n"));
            assertThat(seen).containsExactly("Data[]", "content:a\rb<EOL>", "EndOfData[]");
        }
    }

    @Test
    void bareLfInContentShouldBecomeALineEndUnderNormalize() {
        assertThat(decode(BareNewlinePolicy.NORMALIZE, bytes("DATA\r\na\nb\r\n.\r\n")))
                .containsExactly("Data[]", "content:a<EOL>", "content:b<EOL>", "EndOfData[]");
    }

    @Test
    void bareLfInCommandShouldBeRefusedUnderReject() {
        assertThat(decode(BareNewlinePolicy.REJECT, bytes("NOOP\n"))).containsExactly("BareLineFeed[afterData=false]");
        assertThat(decode(BareNewlinePolicy.NORMALIZE, bytes("NOOP\n"))).containsExactly("Noop[]");
    }

    @Test
    void overlongCommandLineShouldBeCutAtTheLimitAsPostfixDoes() {
        // Postfix's smtp_get(): the first line_length_limit bytes are the command, the rest is skipped.
        String longLine = "NOOP " + "x".repeat(3000) + "\r\n";
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE, bytes(longLine + "QUIT\r\n"));
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("Noop[]");
        assertThat(seen.get(1)).isEqualTo("Quit[]");
        assertSameAtEverySplit(BareNewlinePolicy.NORMALIZE, longLine + "QUIT\r\n");
    }

    @Test
    void commandAtRfc5321LimitShouldBeAccepted() {
        // RFC 5321 section 4.5.3.1.4: command lines of 512 octets including CRLF must be accepted.
        String line = "NOOP " + "y".repeat(505) + "\r\n";
        assertThat(line).hasSize(512);
        Run r = run(BareNewlinePolicy.NORMALIZE, 100);
        r.channel.writeInbound(Unpooled.wrappedBuffer(bytes(line)));
        assertThat(r.collector.seen).containsExactly("Noop[]");
    }

    @Test
    void longContentLineShouldPassInPiecesWithoutLoss() {
        String body = "z".repeat(5000);
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE, bytes("DATA\r\n" + body + "\r\n.\r\n"));
        assertThat(seen).containsExactly("Data[]", "content:" + body + "<EOL>", "EndOfData[]");
    }

    @Test
    void bdatShouldReadExactlyTheChunkAndNormalizeLineEnds() {
        String input = "BDAT 7\r\nab\ncd\r\nBDAT 4 LAST\r\nxy\r\nQUIT\r\n";
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE, bytes(input));
        assertThat(seen).containsExactly("Bdat[size=7, last=false]", "content:ab<EOL>", "content:cd<EOL>",
                "EndOfChunk[size=7, last=false]", "Bdat[size=4, last=true]", "content:xy<EOL>",
                "EndOfChunk[size=4, last=true]", "Quit[]");
        assertSameAtEverySplit(BareNewlinePolicy.NORMALIZE, input);
    }

    @Test
    void bdatChunkShouldNotBeParsedAsCommands() {
        String chunk = "QUIT\r\n.\r\n";
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE,
                bytes("BDAT " + chunk.length() + " LAST\r\n" + chunk + "NOOP\r\n"));
        assertThat(seen).containsExactly("Bdat[size=" + chunk.length() + ", last=true]", "content:QUIT<EOL>",
                "content:.<EOL>", "EndOfChunk[size=" + chunk.length() + ", last=true]", "Noop[]");
    }

    @Test
    void crlfSplitAcrossBdatChunksShouldStayOneLineEnd() {
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE, bytes("BDAT 2\r\na\rBDAT 2 LAST\r\n\nb"));
        assertThat(seen).containsExactly("Bdat[size=2, last=false]", "content:a", "EndOfChunk[size=2, last=false]",
                "Bdat[size=2, last=true]", "content:<EOL>", "content:b", "EndOfChunk[size=2, last=true]");
    }

    @Test
    void decoderShouldHoldPipelinedCommandsUntilResumed() {
        Run r = run(BareNewlinePolicy.NORMALIZE, 2048);
        r.collector.autoResume = false;
        r.channel.writeInbound(Unpooled.wrappedBuffer(bytes("NOOP\r\nRSET\r\nQUIT\r\n")));
        assertThat(r.collector.seen).containsExactly("Noop[]");
        assertThat(r.decoder.hasBufferedInput()).isTrue();
        r.decoder.resume();
        assertThat(r.collector.seen).containsExactly("Noop[]", "Rset[]");
    }

    @Test
    void discardBufferedShouldDropPipelinedPlaintext() {
        // CVE-2011-0411: commands pipelined after STARTTLS must not be executed.
        Run r = run(BareNewlinePolicy.NORMALIZE, 2048);
        r.collector.autoResume = false;
        r.channel.writeInbound(Unpooled.wrappedBuffer(bytes("STARTTLS\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<y@z>\r\n")));
        assertThat(r.collector.seen).containsExactly("StartTls[]");
        r.decoder.discardBuffered();
        r.decoder.resume();
        assertThat(r.collector.seen).containsExactly("StartTls[]");
        r.channel.writeInbound(Unpooled.wrappedBuffer(bytes("NOOP\r\n")));
        assertThat(r.collector.seen).containsExactly("StartTls[]", "Noop[]");
    }

    @Test
    void invalidUtf8CommandShouldBeRefused() {
        List<String> seen = decode(BareNewlinePolicy.NORMALIZE, new byte[] {'N', 'O', 'O', 'P', ' ', (byte) 0xff,
            '\r', '\n'});
        assertThat(seen.get(0)).contains("Error: bad UTF-8 syntax");
    }
}
