// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postern.testing.milter.ScriptedMilter.int32;
import static org.postern.testing.milter.ScriptedMilter.packet;
import static org.postern.testing.milter.ScriptedMilter.z;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderEdits;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;
import org.postern.api.milter.Modification;
import org.postern.testing.milter.ScriptedMilter;

/**
 * The milter protocol client against {@link ScriptedMilter}: the bytes of negotiation and of
 * each event, every reply and modification, the SMFIP_ options, and the faults that must end in
 * the default action with nothing leaked.
 */
class MilterClientTest {

    private static final ConnectInfo CLIENT = new ConnectInfo("client.example", "192.0.2.7", 4321);
    private static final Map<String, String> MACROS = Map.of("j", "mx.example.test", "{daemon_name}", "mx",
            "i", "4XQUEUE", "{mail_addr}", "a@example.org", "v", "Postern 1");
    private static final List<HeaderField> HEADERS = List.of(HeaderField.of("From", " a@example.org"),
            HeaderField.of("Subject", "  two spaces"), HeaderField.of("X-Folded", " one\n\ttwo"));

    private final ScriptedMilter milter = new ScriptedMilter();
    private MilterSession session;

    MilterClientTest() throws Exception {
    }

    @AfterEach
    void close() throws Exception {
        if (session != null) {
            session.close();
        }
        milter.close();
    }

    private static MilterSettings settings(String entry, int protocol, DefaultAction action, Duration timeout) {
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        macros.put(MilterStage.CONNECT, List.of("j", "{daemon_name}", "v"));
        macros.put(MilterStage.MAIL, List.of("i", "{mail_addr}", "{auth_authen}"));
        macros.put(MilterStage.END_OF_DATA, List.of("i"));
        return new MilterSettings(List.of(entry), action, protocol, timeout, timeout, timeout, macros, Map.of(),
                "mx", "Postern 1");
    }

    private MilterSession open(int protocol, DefaultAction action) {
        session = new MilterClient().open(settings(milter.endpoint(), protocol, action, Duration.ofSeconds(5)));
        return session;
    }

    private EndOfMessage message(MilterSession s, byte[] body) {
        assertThat(s.connect(CLIENT, MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.mail("a@example.org", List.of("BODY=8BITMIME"), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("b@example.test", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        return s.message(HEADERS, new ByteArrayInputStream(body), MACROS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ negotiation and events

    @Test
    void optionNegotiationShouldOfferTheVersionsActionsAndStepsByteExact() {
        open(6, DefaultAction.TEMPFAIL).connect(CLIENT, MACROS);
        ScriptedMilter.Packet optneg = milter.received.get(0);
        assertThat(optneg.command()).isEqualTo('O');
        assertThat(optneg.data()).isEqualTo(ByteBuffer.allocate(12).putInt(6).putInt(0x1FF).putInt(0x1FFFFF).array());
        session.close();
        session = null;
        milter.received.clear();
        open(2, DefaultAction.TEMPFAIL).connect(CLIENT, MACROS);
        assertThat(milter.all('O').get(0).data())
                .isEqualTo(ByteBuffer.allocate(12).putInt(2).putInt(0x1F).putInt(0x3F).array());
    }

    @Test
    void connectShouldSendItsMacrosThenTheClientByteExact() {
        open(6, DefaultAction.TEMPFAIL).connect(CLIENT, MACROS);
        assertThat(milter.commands()).isEqualTo("ODC");
        assertThat(milter.received.get(1).data()).isEqualTo(concat(bytes("C"),
                z("j", "mx.example.test", "{daemon_name}", "mx", "v", "Postern 1")));
        assertThat(milter.received.get(2).data()).isEqualTo(concat(z("client.example"), bytes("4"),
                new byte[] {0x10, (byte) 0xE1}, z("192.0.2.7")));
    }

    @Test
    void ipv6AndUnknownClientsShouldBeSentWithTheirFamily() {
        open(6, DefaultAction.TEMPFAIL).connect(new ConnectInfo("unknown", "unknown", 0), MACROS);
        assertThat(milter.all('C').get(0).data()).isEqualTo(concat(z("unknown"), bytes("U")));
        session.close();
        session = null;
        milter.received.clear();
        open(6, DefaultAction.TEMPFAIL).connect(new ConnectInfo("h", "2001:db8::1", 25), MACROS);
        assertThat(milter.all('C').get(0).data()).isEqualTo(concat(z("h"), bytes("6"), new byte[] {0, 25},
                z("2001:db8:0:0:0:0:0:1")));
    }

    @Test
    void envelopeEventsShouldCarryAngleBracketsArgumentsAndTheirMacros() {
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        s.helo("client.example", MACROS);
        s.mail("a@example.org", List.of("SIZE=10", "BODY=8BITMIME"), MACROS);
        s.rcpt("b@example.test", List.of(), MACROS);
        s.rcpt("c@example.test", List.of("NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;c+2Bx@example.test"), MACROS);
        s.data(MACROS);
        assertThat(milter.all('H').get(0).data()).isEqualTo(z("client.example"));
        assertThat(milter.all('M').get(0).data()).isEqualTo(z("<a@example.org>", "SIZE=10", "BODY=8BITMIME"));
        assertThat(milter.all('R').get(0).data()).isEqualTo(z("<b@example.test>"));
        assertThat(milter.all('R').get(1).data()).isEqualTo(z("<c@example.test>", "NOTIFY=SUCCESS,FAILURE",
                "ORCPT=rfc822;c+2Bx@example.test"));
        assertThat(milter.all('T').get(0).data()).isEmpty();
        // MAIL's macros: those of milter_mail_macros that have a value, "{auth_authen}" has none
        assertThat(milter.all('D').get(1).data()).isEqualTo(concat(bytes("M"),
                z("i", "4XQUEUE", "{mail_addr}", "a@example.org")));
    }

    @Test
    void headersShouldLoseOneLeadingSpaceWithoutHdrLeadspcAndKeepItWith() {
        message(open(6, DefaultAction.TEMPFAIL), bytes("body\r\n"));
        assertThat(milter.all('L')).extracting(ScriptedMilter.Packet::data).containsExactly(
                z("From", "a@example.org"), z("Subject", " two spaces"), z("X-Folded", "one\n\ttwo"));
        session.close();
        milter.received.clear();
        milter.steps = 0x100000; // SMFIP_HDR_LEADSPC
        message(open(6, DefaultAction.TEMPFAIL), bytes("body\r\n"));
        assertThat(milter.all('L')).extracting(ScriptedMilter.Packet::data).containsExactly(
                z("From", " a@example.org"), z("Subject", "  two spaces"), z("X-Folded", " one\n\ttwo"));
    }

    @Test
    void bodyShouldGoInChunksOfAtMost65535BytesThenEohAndEom() {
        byte[] body = new byte[150_000];
        Arrays.fill(body, (byte) 'x');
        EndOfMessage eom = message(open(6, DefaultAction.TEMPFAIL), body);
        assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(milter.all('B')).extracting(p -> p.data().length).containsExactly(65535, 65535, 18930);
        assertThat(milter.commands()).endsWith("LLLNBBBDE");
        assertThat(milter.all('E').get(0).data()).isEmpty();
    }

    @Test
    void noReplyStepsShouldNotBeWaitedForAndNoStepsShouldNotBeSent() {
        // The milter answers nothing to headers and body: waiting would time out (then tempfail).
        milter.steps = 0x80 | 0x80000 | 0x02 | 0x200; // NR_HDR, NR_BODY, NOHELO, NODATA
        milter.on('L', p -> List.of()).on('B', p -> List.of());
        session = new MilterClient().open(settings(milter.endpoint(), 6, DefaultAction.TEMPFAIL, Duration.ofSeconds(1)));
        session.connect(CLIENT, MACROS);
        assertThat(session.helo("x", MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(session.data(MACROS)).isEqualTo(MilterReply.CONTINUE);
        EndOfMessage eom = session.message(HEADERS, new ByteArrayInputStream(bytes("b\r\n")), MACROS);
        assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(milter.commands()).doesNotContain("H").doesNotContain("T").contains("LLLNBDE");
    }

    @Test
    void skipShouldEndTheBodyEarly() {
        milter.steps = 0x400; // SMFIP_SKIP
        milter.on('B', p -> List.of(packet('s')));
        byte[] body = new byte[200_000];
        message(open(6, DefaultAction.TEMPFAIL), body);
        assertThat(milter.all('B')).hasSize(1);
        assertThat(milter.commands()).endsWith("NBDE");
    }

    @Test
    void setsymlistShouldReplaceTheConfiguredMacrosOfThatStage() {
        milter.optnegTail = concat(int32(2), z("{mail_addr} j")); // SMFIM_ENVFROM
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        s.mail("a@example.org", List.of(), MACROS);
        assertThat(milter.all('D').get(1).data()).isEqualTo(concat(bytes("M"),
                z("{mail_addr}", "a@example.org", "j", "mx.example.test")));
    }

    private static final Map<String, String> REFUSED = Map.of("{rcpt_mailer}", "error", "{rcpt_host}", "5.7.1",
            "{rcpt_addr}", "Relay access denied", "i", "4XQUEUE");

    private static MilterSettings withRcptMacros(MilterSettings s) {
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        macros.putAll(s.macros());
        macros.put(MilterStage.RCPT, List.of("{rcpt_mailer}", "{rcpt_host}", "{rcpt_addr}"));
        return new MilterSettings(s.milters(), s.defaultAction(), s.protocol(), s.connectTimeout(),
                s.commandTimeout(), s.contentTimeout(), macros, Map.of(), "mx", "Postern 1");
    }

    @Test
    void aRefusedRecipientShouldReachAFilterThatAskedForRcptRejWithItsMacrosAndArguments() {
        milter.steps = 0x800; // SMFIP_RCPT_REJ
        milter.on('R', p -> List.of(packet(p.text().contains("bad") ? 'r' : 'c')));
        session = new MilterClient().open(withRcptMacros(settings(milter.endpoint(), 6, DefaultAction.TEMPFAIL,
                Duration.ofSeconds(5))));
        session.connect(CLIENT, MACROS);
        session.mail("a@example.org", List.of(), MACROS);
        milter.received.clear();
        session.rejectedRcpt("bad@elsewhere.example", List.of("NOTIFY=NEVER"), REFUSED);
        assertThat(milter.commands()).isEqualTo("DR");
        assertThat(milter.received.get(0).data()).isEqualTo(concat(bytes("R"),
                z("{rcpt_mailer}", "error", "{rcpt_host}", "5.7.1", "{rcpt_addr}", "Relay access denied")));
        assertThat(milter.received.get(1).data()).isEqualTo(z("<bad@elsewhere.example>", "NOTIFY=NEVER"));
        // Its reject answered nothing and ended nothing: the next recipient goes on as before.
        assertThat(session.rcpt("ok@example.test", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(milter.commands()).isEqualTo("DRR");
    }

    @Test
    void aRefusedRecipientShouldGoOnlyToTheFiltersThatAskedForIt() throws Exception {
        try (ScriptedMilter second = new ScriptedMilter()) {
            second.steps = 0x800; // only the second filter takes SMFIP_RCPT_REJ
            MilterSettings one = settings(milter.endpoint(), 6, DefaultAction.TEMPFAIL, Duration.ofSeconds(5));
            MilterSettings both = new MilterSettings(List.of(milter.endpoint(), second.endpoint()),
                    one.defaultAction(), 6, one.connectTimeout(), one.commandTimeout(), one.contentTimeout(),
                    one.macros(), Map.of(), "mx", "Postern 1");
            session = new MilterClient().open(withRcptMacros(both));
            session.connect(CLIENT, MACROS);
            session.mail("a@example.org", List.of(), MACROS);
            session.rejectedRcpt("bad@elsewhere.example", List.of(), REFUSED);
            session.rcpt("ok@example.test", List.of(), MACROS);
            assertThat(milter.all('R')).extracting(ScriptedMilter.Packet::text).containsExactly("<ok@example.test>\0");
            assertThat(second.all('R')).extracting(ScriptedMilter.Packet::text)
                    .containsExactly("<bad@elsewhere.example>\0", "<ok@example.test>\0");
            session.close();
            session = null;
        }
    }

    @Test
    void theSecondFilterShouldSeeTheMessageAsTheFirstLeftIt() throws Exception {
        try (ScriptedMilter second = new ScriptedMilter()) {
            milter.on('E', p -> List.of(packet('i', int32(0), z("X-First", "one")),
                    packet('m', int32(1), z("Subject", "changed")), packet('b', bytes("new body\r\n")), packet('c')));
            // Indexes count the headers the second filter saw: X-First is its first header.
            second.on('E', p -> List.of(packet('m', int32(1), z("X-First", "")), packet('c')));
            MilterSettings one = settings(milter.endpoint(), 6, DefaultAction.TEMPFAIL, Duration.ofSeconds(5));
            session = new MilterClient().open(new MilterSettings(List.of(milter.endpoint(), second.endpoint()),
                    one.defaultAction(), 6, one.connectTimeout(), one.commandTimeout(), one.contentTimeout(),
                    one.macros(), Map.of(), "mx", "Postern 1"));
            EndOfMessage eom = message(session, bytes("old body\r\n"));
            assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
            assertThat(second.all('L')).extracting(ScriptedMilter.Packet::text)
                    .containsExactly("X-First\0one\0", "From\0a@example.org\0", "Subject\0changed\0",
                            "X-Folded\0one\n\ttwo\0");
            assertThat(second.all('B')).extracting(ScriptedMilter.Packet::text).containsExactly("new body\r\n");
            // Applied in order, the modifications give what the second filter saw and then its change.
            assertThat(HeaderEdits.apply(HEADERS, eom.modifications())).extracting(HeaderField::name)
                    .containsExactly("From", "Subject", "X-Folded");
            session.close();
            session = null;
        }
    }

    // ------------------------------------------------------------------ replies and modifications

    @Test
    void eachReplyShouldBecomeItsTypedAnswer() {
        milter.on('R', p -> List.of(packet(p.text().contains("rej") ? 'r' : p.text().contains("tmp") ? 't'
                : p.text().contains("dis") ? 'd' : p.text().contains("code") ? 'y' : 'c',
                p.text().contains("code") ? z("550-5.7.1 first line\r\n550 5.7.1 second line") : new byte[0])));
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        s.mail("a@example.org", List.of(), MACROS);
        assertThat(s.rcpt("rej@x", List.of(), MACROS)).isEqualTo(
                new MilterReply.Refuse(550, "5.7.1", List.of("Command rejected")));
        assertThat(s.rcpt("tmp@x", List.of(), MACROS)).isEqualTo(
                new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
        assertThat(s.rcpt("code@x", List.of(), MACROS)).isEqualTo(
                new MilterReply.Refuse(550, "5.7.1", List.of("first line", "second line")));
        assertThat(s.rcpt("ok@x", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("dis@x", List.of(), MACROS)).isEqualTo(MilterReply.DISCARD);
        // The filter is done with a discarded message: libmilter would not answer another RCPT.
        assertThat(s.rcpt("after@x", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(milter.all('R')).extracting(ScriptedMilter.Packet::text).noneMatch(t -> t.contains("after@x"));
    }

    @Test
    void progressShouldKeepTheExchangeAlive() {
        milter.on('M', p -> List.of(packet('p'), packet('p'), packet('c')));
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        assertThat(s.mail("a@example.org", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
    }

    @Test
    void endOfMessageModificationsShouldArriveInOrder() {
        milter.on('E', p -> List.of(
                packet('h', z("X-Added", "yes")),
                packet('i', int32(0), z("DKIM-Signature", "v=1; a=rsa-sha256;\r\n\tb=abc")),
                packet('m', int32(1), z("Subject", "changed")),
                packet('m', int32(1), z("X-Folded", "")),
                packet('e', z("<new@example.org>", "RET=HDRS")),
                packet('+', z("<plain@example.test>")),
                packet('2', z("<par@example.test>", "NOTIFY=NEVER")),
                packet('-', z("<b@example.test>")),
                packet('b', bytes("new ")),
                packet('b', bytes("body\r\n")),
                packet('q', z("looks odd")),
                packet('p'),
                packet('a')));
        EndOfMessage eom = message(open(6, DefaultAction.TEMPFAIL), bytes("body\r\n"));
        assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(eom.quarantine()).contains("looks odd");
        assertThat(eom.modifications()).hasSize(9);
        assertThat(eom.modifications().get(0)).isEqualTo(new Modification.AddHeader(HeaderField.of("X-Added", " yes")));
        assertThat(eom.modifications().get(1)).isEqualTo(new Modification.InsertHeader(0,
                HeaderField.of("DKIM-Signature", " v=1; a=rsa-sha256;\n\tb=abc")));
        assertThat(eom.modifications().get(2)).isEqualTo(new Modification.ChangeHeader(1,
                HeaderField.of("Subject", " changed")));
        assertThat(((Modification.ChangeHeader) eom.modifications().get(3)).deletes()).isTrue();
        assertThat(eom.modifications().get(4)).isEqualTo(new Modification.ChangeSender("<new@example.org>",
                List.of("RET=HDRS")));
        assertThat(eom.modifications().get(5)).isEqualTo(new Modification.AddRecipient("<plain@example.test>", List.of()));
        assertThat(eom.modifications().get(6)).isEqualTo(new Modification.AddRecipient("<par@example.test>",
                List.of("NOTIFY=NEVER")));
        assertThat(eom.modifications().get(7)).isEqualTo(new Modification.DeleteRecipient("<b@example.test>"));
        assertThat(((Modification.ReplaceBody) eom.modifications().get(8)).body()).isEqualTo(bytes("new body\r\n"));
    }

    @Test
    void headersAddedWithHdrLeadspcShouldBeKeptAsSent() {
        milter.steps = 0x100000;
        milter.on('E', p -> List.of(packet('h', z("X-Exact", "\tx")), packet('c')));
        EndOfMessage eom = message(open(6, DefaultAction.TEMPFAIL), bytes("b\r\n"));
        assertThat(eom.modifications()).containsExactly(new Modification.AddHeader(HeaderField.of("X-Exact", "\tx")));
    }

    @Test
    void acceptAtConnectShouldEndTheFiltersPartInTheSession() {
        milter.on('C', p -> List.of(packet('a')));
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        assertThat(s.connect(CLIENT, MACROS)).isEqualTo(MilterReply.ACCEPT);
        assertThat(s.mail("a@example.org", List.of(), MACROS)).isEqualTo(MilterReply.ACCEPT);
        assertThat(milter.commands()).isEqualTo("ODC");
    }

    @Test
    void abortShouldBeSentWithoutWaitingForAReply() {
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        s.mail("a@example.org", List.of(), MACROS);
        s.abort();
        s.mail("a@example.org", List.of(), MACROS);
        assertThat(milter.commands()).isEqualTo("ODCDMADM");
    }

    // ------------------------------------------------------------------ faults

    @Test
    void aRefusedConnectionShouldGiveTheDefaultAction() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        session = new MilterClient().open(settings("inet:127.0.0.1:" + port, 6, DefaultAction.TEMPFAIL,
                Duration.ofSeconds(2)));
        assertThat(session.connect(CLIENT, MACROS)).isEqualTo(
                new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
        assertThat(session.mail("a@b", List.of(), MACROS)).isInstanceOf(MilterReply.Refuse.class);
        assertThat(session.message(HEADERS, new ByteArrayInputStream(new byte[0]), MACROS).reply())
                .isInstanceOf(MilterReply.Refuse.class);
    }

    @Test
    void aFilterThatHangsPastTheTimeoutShouldGiveTheDefaultActionAndBeClosed() throws Exception {
        milter.on('M', p -> {
            sleep(3000);
            return List.of(packet('c'));
        });
        session = new MilterClient().open(settings(milter.endpoint(), 6, DefaultAction.REJECT, Duration.ofMillis(500)));
        session.connect(CLIENT, MACROS);
        long start = System.nanoTime();
        assertThat(session.mail("a@b", List.of(), MACROS)).isEqualTo(
                DefaultAction.REJECT.reply());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        assertThat(milter.awaitClosed()).as("the connection is closed after the failure").isTrue();
    }

    @Test
    void aFilterThatClosesMidBodyShouldGiveTheDefaultAction() throws Exception {
        milter.on('B', p -> {
            throw new IllegalStateException("hang up");
        });
        EndOfMessage eom = message(open(6, DefaultAction.TEMPFAIL), new byte[100_000]);
        assertThat(eom.reply()).isEqualTo(
                new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
        assertThat(eom.modifications()).isEmpty();
    }

    @Test
    void anUnknownReplyShouldGiveTheDefaultAction() {
        milter.on('M', p -> List.of(packet('Z')));
        MilterSession s = open(6, DefaultAction.QUARANTINE);
        s.connect(CLIENT, MACROS);
        assertThat(s.mail("a@b", List.of(), MACROS)).isEqualTo(new MilterReply.Quarantine("milter triggers HOLD action"));
    }

    @Test
    void anOversizeFrameShouldGiveTheDefaultAction() {
        milter.on('M', p -> List.of(ByteBuffer.allocate(5).putInt(0x7fffffff).put((byte) 'c').array()));
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        s.connect(CLIENT, MACROS);
        assertThat(s.mail("a@b", List.of(), MACROS)).isInstanceOf(MilterReply.Refuse.class);
    }

    @Test
    void aMalformedReplyCodeShouldGiveTheDefaultAction() {
        milter.on('M', p -> List.of(packet('y', z("250 2.0.0 fine"))));
        MilterSession s = open(6, DefaultAction.ACCEPT);
        s.connect(CLIENT, MACROS);
        assertThat(s.mail("a@b", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
    }

    @Test
    void aFilterAskingForStepsTheProtocolVersionLacksShouldNotBeUsed() {
        milter.version = 2;
        milter.steps = 0x80; // SMFIP_NR_HDR, unknown to milter_protocol 2
        MilterSession s = open(2, DefaultAction.TEMPFAIL);
        assertThat(s.connect(CLIENT, MACROS)).isInstanceOf(MilterReply.Refuse.class);
        assertThat(milter.commands()).isEqualTo("O");
    }

    @Test
    void perMilterSettingsShouldOverrideTheParameters() {
        MilterSpec spec = MilterSpec.parse("{ inet:[::1]:8891, connect_timeout=10s, default_action=accept, "
                + "command_timeout=2m, protocol=4 }", settings("x", 6, DefaultAction.TEMPFAIL, Duration.ofSeconds(30)));
        assertThat(spec.name()).isEqualTo("inet:[::1]:8891");
        assertThat(spec.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.commandTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(spec.contentTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.defaultAction()).isEqualTo(DefaultAction.ACCEPT);
        assertThat(spec.protocol()).isEqualTo(4);
        assertThat(MilterSpec.parse("unix:/run/opendkim/sock", settings("x", 6, DefaultAction.TEMPFAIL,
                Duration.ofSeconds(30))).address().toString()).isEqualTo("/run/opendkim/sock");
    }

    @Test
    void mdsShouldBeOfferedOnlyWhenConfiguredAndSizeTheBodyChunksWhenTaken() {
        byte[] body = new byte[300_000];
        Arrays.fill(body, (byte) 'x');
        milter.steps = Milter8.SMFIP_MDS_256K;
        session = new MilterClient().open(settings("{ " + milter.endpoint() + ", data_size=256k }", 6,
                DefaultAction.TEMPFAIL, Duration.ofSeconds(5)));
        assertThat(message(session, body).reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(milter.all('O').get(0).data()).isEqualTo(ByteBuffer.allocate(12).putInt(6).putInt(0x1FF)
                .putInt(0x1FFFFF | 0x10000000).array());
        assertThat(milter.all('B')).extracting(p -> p.data().length).containsExactly(262_143, 37_857);
        session.close();
        session = null;

        milter.received.clear();
        milter.steps = 0; // offered, not taken: the standard size
        session = new MilterClient().open(settings("{ " + milter.endpoint() + ", data_size=1m }", 6,
                DefaultAction.TEMPFAIL, Duration.ofSeconds(5)));
        message(session, body);
        assertThat(ByteBuffer.wrap(milter.all('O').get(0).data()).getInt(8)).isEqualTo(0x1FFFFF | 0x20000000);
        assertThat(milter.all('B')).extracting(p -> p.data().length).containsExactly(65_535, 65_535, 65_535,
                65_535, 37_860);
        session.close();
        session = null;

        milter.received.clear();
        milter.steps = Milter8.SMFIP_MDS_1M; // taken, never offered: ignored
        session = open(6, DefaultAction.TEMPFAIL);
        message(session, body);
        assertThat(ByteBuffer.wrap(milter.all('O').get(0).data()).getInt(8)).isEqualTo(0x1FFFFF);
        assertThat(milter.all('B')).hasSize(5);
        assertThatThrownBy(() -> MilterSpec.parse("{ unix:/x, data_size=2m }", settings("x", 6,
                DefaultAction.TEMPFAIL, Duration.ofSeconds(1)))).hasMessageContaining("data_size must be");
    }

    @Test
    void aHeaderLargerThanTheDataSizeShouldBeTheFiltersFailureNotTruncated() {
        List<HeaderField> big = List.of(HeaderField.of("X-Long", " " + "y".repeat(70_000)));
        session = open(6, DefaultAction.TEMPFAIL);
        session.connect(CLIENT, MACROS);
        assertThat(session.message(big, new ByteArrayInputStream(new byte[0]), MACROS).reply())
                .isEqualTo(new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
        assertThat(milter.all('L')).isEmpty();
    }

    @Test
    void theNextMessageOfASessionShouldUseTheSameConnection() throws Exception {
        MilterSession s = open(6, DefaultAction.TEMPFAIL);
        assertThat(message(s, bytes("one\r\n")).reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.mail("a@example.org", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.rcpt("c@example.test", List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(s.message(HEADERS, new ByteArrayInputStream(bytes("two\r\n")), MACROS).reply())
                .isEqualTo(MilterReply.CONTINUE);
        s.close();
        session = null;
        assertThat(milter.awaitClosed()).isTrue();
        assertThat(milter.connections()).isEqualTo(1);
        assertThat(milter.commands().replace("D", "")).isEqualTo("OCMRLLLNBE" + "MRLLLNBE" + "Q");
    }

    @Test
    void aMalformedEntryShouldGiveTheDefaultActionForTheSession() {
        session = new MilterClient().open(settings("smtp:127.0.0.1:25", 6, DefaultAction.TEMPFAIL,
                Duration.ofSeconds(1)));
        assertThat(session.connect(CLIENT, MACROS)).isInstanceOf(MilterReply.Refuse.class);
        assertThat(session.message(HEADERS, new ByteArrayInputStream(new byte[0]), MACROS).reply())
                .isInstanceOf(MilterReply.Refuse.class);
    }

    @Test
    void aUnixEndpointShouldCarryTheSameDialogue(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (ScriptedMilter local = ScriptedMilter.unix(dir.resolve("milter.sock"))) {
            assertThat(local.endpoint()).isEqualTo("unix:" + dir.resolve("milter.sock"));
            session = new MilterClient().open(settings(local.endpoint(), 6, DefaultAction.REJECT,
                    Duration.ofSeconds(5)));
            EndOfMessage eom = message(session, bytes("body\r\n"));
            assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
            session.close();
            session = null;
            assertThat(local.awaitClosed()).isTrue();
            assertThat(local.commands().replace("D", "")).isEqualTo("OCMRLLLNBEQ");
            assertThat(local.all('B').get(0).text()).isEqualTo("body\r\n");
        }
    }

    @Test
    void aMissingUnixSocketShouldGiveTheDefaultAction(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        session = new MilterClient().open(settings("unix:" + dir.resolve("nobody-listens.sock"), 6,
                DefaultAction.REJECT, Duration.ofSeconds(5)));
        assertThat(session.connect(CLIENT, MACROS)).isEqualTo(
                DefaultAction.REJECT.reply());
    }

    @Test
    void twoSessionsShouldNotWaitForEachOther() throws Exception {
        java.util.concurrent.CountDownLatch slowArrived = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        milter.on('M', p -> {
            if (p.text().contains("slow")) {
                slowArrived.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(packet('c'));
        });
        MilterSession slow = open(6, DefaultAction.TEMPFAIL);
        slow.connect(CLIENT, MACROS);
        MilterSession fast = new MilterClient().open(settings(milter.endpoint(), 6, DefaultAction.TEMPFAIL,
                Duration.ofSeconds(20)));
        fast.connect(CLIENT, MACROS);
        java.util.concurrent.CompletableFuture<MilterReply> slowMail =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> slow.mail("slow@x", List.of(), MACROS));
        assertThat(slowArrived.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // The slow session's filter is stalled now; the fast session must get its answer before it is released.
        java.util.concurrent.CompletableFuture<MilterReply> fastMail =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> fast.mail("fast@x", List.of(), MACROS));
        assertThat(fastMail.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(slowMail).isNotDone();
        release.countDown();
        assertThat(slowMail.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(MilterReply.CONTINUE);
        fast.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

}
