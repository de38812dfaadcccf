// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.api.milter.MilterStage;
import org.postern.api.milter.Modification;
import org.postern.testing.RequiredService;

/**
 * The client against an independent implementation: Debian's python3-milter, libmilter
 * underneath ({@code libmilter-peer.py}), negotiating SMFIP_HDR_LEADSPC, SMFIP_NR_HDR, SKIP
 * SMFIP_RCPT_REJ and a SETSYMLIST list, answering with a multi-line reply, tempfail, discard, quarantine and
 * every end-of-message modification.
 */
class LibmilterPeerTest {

    private static final int PORT = 3610;
    private static final ConnectInfo CLIENT = new ConnectInfo("client.example", "192.0.2.7", 4321);
    private static final Map<String, String> MACROS = Map.of("j", "mx.example.test", "{daemon_name}", "mx",
            "i", "4XQUEUE", "{mail_addr}", "a@example.org", "v", "Postern 1");
    private static final List<HeaderField> HEADERS = List.of(HeaderField.of("From", " a@example.org"),
            HeaderField.of("Subject", "  two spaces"), HeaderField.of("X-Folded", " one\n\ttwo"));
    private static final String PYTHON = "/usr/bin/python3";

    private static Process peer;
    private static Path log;
    private MilterSession session;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(Path.of(PYTHON)) && new ProcessBuilder(PYTHON, "-c", "import Milter")
                .start().waitFor() == 0;
        RequiredService.assume(present, "python3-milter is not installed (apt-get install python3-milter)");
        Path script = Path.of(LibmilterPeerTest.class.getResource("/libmilter-peer.py").toURI());
        log = Files.createTempFile("libmilter-peer", ".log");
        peer = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(PORT), log.toString())
                .redirectErrorStream(true).redirectOutput(Path.of(log + ".out").toFile()).start();
        for (int i = 0; i < 100 && !RequiredService.isListening(PORT); i++) {
            Thread.sleep(100);
        }
        assertThat(RequiredService.isListening(PORT)).as("libmilter peer listening on " + PORT).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.destroy();
            peer.waitFor();
        }
        if (log != null) {
            Files.deleteIfExists(log);
            Files.deleteIfExists(Path.of(log + ".out"));
        }
    }

    @BeforeEach
    void open() throws Exception {
        Files.writeString(log, "");
        Map<MilterStage, List<String>> macros = new EnumMap<>(MilterStage.class);
        macros.put(MilterStage.CONNECT, List.of("j", "{daemon_name}", "v"));
        macros.put(MilterStage.MAIL, List.of("i"));
        macros.put(MilterStage.RCPT, List.of("{rcpt_mailer}", "{rcpt_host}", "{rcpt_addr}"));
        macros.put(MilterStage.END_OF_DATA, List.of("i"));
        Duration t = Duration.ofSeconds(10);
        session = new MilterClient().open(new MilterSettings(List.of("inet:127.0.0.1:" + PORT),
                DefaultAction.TEMPFAIL, 6, t, t, t, macros, Map.of(), "mx", "Postern 1"));
        assertThat(session.connect(CLIENT, MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(session.helo("client.example", MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(session.mail("a@example.org", List.of("BODY=8BITMIME"), MACROS)).isEqualTo(MilterReply.CONTINUE);
    }

    private EndOfMessage message(String rcpt) {
        assertThat(session.rcpt(rcpt, List.of(), MACROS)).isEqualTo(MilterReply.CONTINUE);
        assertThat(session.data(MACROS)).isEqualTo(MilterReply.CONTINUE);
        return session.message(HEADERS, new ByteArrayInputStream("body line\r\n".getBytes(StandardCharsets.US_ASCII)),
                MACROS);
    }

    private String seen() throws Exception {
        session.close();
        Thread.sleep(200);
        return Files.readString(log);
    }

    @Test
    void connectHeloMailAndTheirMacrosShouldReachLibmilter() throws Exception {
        message("ok@example.test");
        String seen = seen();
        assertThat(seen).contains("\"hostname\": \"client.example\"", "\"hostaddr\": [\"192.0.2.7\", 4321]",
                "\"j\": \"mx.example.test\"", "\"daemon_name\": \"mx\"", "\"helo\": \"client.example\"",
                "\"sender\": \"<a@example.org>\"", "\"params\": [\"BODY=8BITMIME\"]",
                "\"mail_addr\": \"a@example.org\"", "\"i\": \"4XQUEUE\"");
    }

    @Test
    void headersShouldKeepTheirLeadingSpaceAndFoldingUnderHdrLeadspc() throws Exception {
        message("ok@example.test");
        assertThat(seen()).contains("\"headers\": [[\"From\", \" a@example.org\"], [\"Subject\", \"  two spaces\"], "
                + "[\"X-Folded\", \" one\\n\\ttwo\"]]", "\"body\": \"body line\\r\\n\"");
    }

    @Test
    void multiLineRejectAndTempfailShouldArriveAsSent() {
        assertThat(session.rcpt("reject@example.test", List.of(), MACROS)).isEqualTo(
                new MilterReply.Refuse(550, "5.7.1", List.of("first line", "second line")));
        assertThat(session.rcpt("tempfail@example.test", List.of(), MACROS)).isEqualTo(
                new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later")));
    }

    @Test
    void discardAndQuarantineShouldArrive() {
        assertThat(message("discard@example.test").reply()).isEqualTo(MilterReply.DISCARD);
        session.abort();
        session.mail("a@example.org", List.of(), MACROS);
        EndOfMessage eom = message("quarantine@example.test");
        assertThat(eom.quarantine()).contains("peer says hold");
        assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
    }

    @Test
    void everyModificationShouldArriveInOrder() {
        EndOfMessage eom = message("modify@example.test");
        assertThat(eom.reply()).isEqualTo(MilterReply.CONTINUE);
        assertThat(eom.modifications()).containsExactly(
                new Modification.AddHeader(HeaderField.of("X-Peer", "added")),
                new Modification.InsertHeader(0, HeaderField.of("X-Peer-First", "inserted")),
                new Modification.ChangeHeader(1, HeaderField.of("Subject", "changed by peer")),
                new Modification.ChangeHeader(1, HeaderField.of("X-Folded", "")),
                new Modification.ChangeSender("<new@example.org>", List.of("RET=HDRS")),
                new Modification.AddRecipient("<added@example.test>", List.of("NOTIFY=NEVER")),
                new Modification.DeleteRecipient("<modify@example.test>"),
                new Modification.ReplaceBody("replaced body\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void rcptParametersAndARefusedRecipientShouldReachLibmilter() throws Exception {
        session.rejectedRcpt("mallory@elsewhere.example", List.of("NOTIFY=NEVER"), Map.of("{rcpt_mailer}", "error",
                "{rcpt_host}", "5.7.1", "{rcpt_addr}", "Relay access denied"));
        assertThat(session.rcpt("bob@example.test", List.of("NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;bob@example.test"),
                Map.of("{rcpt_addr}", "bob@example.test"))).isEqualTo(MilterReply.CONTINUE);
        assertThat(seen()).contains("{\"event\": \"rcpt\", \"rcpt\": \"<mallory@elsewhere.example>\", "
                + "\"params\": [\"NOTIFY=NEVER\"], \"rcpt_mailer\": \"error\", \"rcpt_host\": \"5.7.1\", "
                + "\"rcpt_addr\": \"Relay access denied\"}",
                "{\"event\": \"rcpt\", \"rcpt\": \"<bob@example.test>\", "
                + "\"params\": [\"NOTIFY=SUCCESS,FAILURE\", \"ORCPT=rfc822;bob@example.test\"], "
                + "\"rcpt_mailer\": null, \"rcpt_host\": null, \"rcpt_addr\": \"bob@example.test\"}");
    }
}
