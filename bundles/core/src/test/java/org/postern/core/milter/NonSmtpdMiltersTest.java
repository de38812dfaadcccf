// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.testing.milter.ScriptedMilter.packet;
import static org.postern.testing.milter.ScriptedMilter.z;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.milter.MilterService;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.pickup.Sendmail;
import org.postern.core.queue.RecordingQueueStore;
import org.postern.core.smtpd.restrict.CapturedLog;
import org.postern.milter.MilterClient;
import org.postern.testing.milter.ScriptedMilter;

/**
 * non_smtpd_milters on mail from the sendmail command, through the real milter client to
 * {@link ScriptedMilter}: the SMTP session Postfix's cleanup pretends (ESMTP from localhost
 * [127.0.0.1]), the filters' changes on the queued message, their refusals as sendmail's exit
 * status, and milter_default_action when no client is installed.
 */
class NonSmtpdMiltersTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
    private static final String MESSAGE = "From: alice@example.org\nSubject:  two spaces\n\nbody line\n";

    private final RecordingQueueStore queue = new RecordingQueueStore();
    private final StringWriter errors = new StringWriter();
    private final ScriptedMilter milter;

    NonSmtpdMiltersTest() throws Exception {
        milter = new ScriptedMilter();
    }

    @AfterEach
    void close() throws Exception {
        milter.close();
    }

    private static PostfixConfig config(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.test", "mydomain = example.test"));
        lines.addAll(Arrays.asList(mainCf));
        return PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.test"),
                MainCf.parse(Path.of("main.cf"), lines));
    }

    private int send(PostfixConfig config, Supplier<MilterService> client) throws Exception {
        Sendmail sendmail = new Sendmail(NonSmtpdMilters.wrap(queue, config, client), config, "alice", CLOCK);
        return sendmail.submit(Sendmail.parse(List.of("-f", "alice@example.org", "bob@example.test")),
                new BufferedReader(new StringReader(MESSAGE)), new PrintWriter(errors, true)).status();
    }

    /** The exit status of {@code sending}, with what it logged appended to {@code log}. */
    private static int logged(StringBuilder log, Callable<Integer> sending) {
        int[] status = new int[1];
        log.append(CapturedLog.during(() -> {
            try {
                status[0] = sending.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        return status[0];
    }

    private int send() throws Exception {
        return send(config("non_smtpd_milters = " + milter.endpoint()), MilterClient::new);
    }

    @Test
    void theFiltersShouldSeeAnEsmtpSessionFromLocalhostWithTheMessage() throws Exception {
        assertThat(send()).isEqualTo(Sendmail.EX_OK);
        assertThat(milter.awaitClosed()).isTrue();
        assertThat(milter.commands().replace("D", "")).isEqualTo("OCHMRTLLNBEQ");
        assertThat(milter.all('C').get(0).data()).isEqualTo(concat(z("localhost"), "4".getBytes(
                StandardCharsets.US_ASCII), new byte[] {0, 25}, z("127.0.0.1")));
        assertThat(milter.all('H').get(0).data()).isEqualTo(z("localhost"));
        assertThat(milter.all('M').get(0).data()).isEqualTo(z("<alice@example.org>"));
        assertThat(milter.all('R').get(0).data()).isEqualTo(z("<bob@example.test>"));
        assertThat(milter.all('L').get(1).data()).isEqualTo(z("Subject", " two spaces"));
        assertThat(milter.all('B').get(0).text()).isEqualTo("body line\r\n");
        String queueId = queue.last().id;
        assertThat(milter.all('D')).extracting(ScriptedMilter::macros)
                .anySatisfy(m -> assertThat(m).containsEntry("i", queueId).containsEntry("{mail_addr}",
                        "alice@example.org"));
        assertThat(queue.last().committed.recipients()).extracting(r -> r.address()).containsExactly(
                "bob@example.test");
        assertThat(queue.last().text()).isEqualTo(MESSAGE.replace("\n", "\r\n"));
    }

    @Test
    void headerAndRecipientChangesShouldReachTheQueuedMessage() throws Exception {
        milter.on('E', p -> List.of(packet('h', z("X-Scanned", "by the test")),
                packet('+', z("<carol@example.test>")), packet('-', z("<bob@example.test>")), packet('c')));
        assertThat(send()).isEqualTo(Sendmail.EX_OK);
        assertThat(queue.last().text()).isEqualTo(MESSAGE.replace("\n\nbody", "\nX-Scanned: by the test\n\nbody")
                .replace("\n", "\r\n"));
        assertThat(queue.last().committed.recipients()).extracting(r -> r.address()).containsExactly(
                "carol@example.test");
    }

    @Test
    void aRejectShouldFailSendmailWithTheTextAndQueueNothing() throws Exception {
        milter.on('E', p -> List.of(packet('y', z("554 5.7.1 Spam is not welcome"))));
        StringBuilder log = new StringBuilder();
        int status = logged(log, this::send);
        assertThat(status).isEqualTo(Sendmail.EX_UNAVAILABLE);
        assertThat(errors.toString()).contains("sendmail: fatal: Spam is not welcome");
        assertThat(queue.last().committed).isNull();
        assertThat(log).contains(queue.last().id + ": milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: "
                + "5.7.1 Spam is not welcome; from=<alice@example.org> to=<bob@example.test> proto=ESMTP "
                + "helo=<localhost>");
    }

    @Test
    void aRecipientRefusalShouldBeAConfigurationErrorThatTempfails() throws Exception {
        milter.on('R', p -> List.of(packet('r')));
        StringBuilder log = new StringBuilder();
        int status = logged(log, this::send);
        assertThat(status).isEqualTo(Sendmail.EX_TEMPFAIL);
        assertThat(queue.last().committed).isNull();
        assertThat(log).contains("a filter refused recipient <bob@example.test>").contains("configuration error");
    }

    @Test
    void discardAndQuarantineShouldBecomeTheDiscardAndHoldActions() throws Exception {
        milter.on('E', p -> List.of(packet('d')));
        assertThat(send()).isEqualTo(Sendmail.EX_OK);
        assertThat(queue.last().committed.actions().discard()).contains("milter triggers DISCARD action");
        milter.on('E', p -> List.of(packet('q', z("looks odd")), packet('a')));
        assertThat(send()).isEqualTo(Sendmail.EX_OK);
        assertThat(queue.last().committed.actions().hold()).contains("looks odd");
    }

    @Test
    void withoutAMilterClientTheDefaultActionShouldApplyWithAWarning() throws Exception {
        StringBuilder log = new StringBuilder();
        int status = logged(log, () -> send(config("non_smtpd_milters = " + milter.endpoint()), () -> null));
        assertThat(status).isEqualTo(Sendmail.EX_TEMPFAIL);
        assertThat(errors.toString()).contains("Service unavailable - try again later");
        assertThat(log).contains("non_smtpd_milters is set but no milter client is installed");
        assertThat(milter.connections()).isZero();
    }

    @Test
    void smtpdMiltersAloneShouldLeaveLocalSubmissionsAlone() throws Exception {
        assertThat(send(config("smtpd_milters = " + milter.endpoint()), MilterClient::new)).isEqualTo(Sendmail.EX_OK);
        assertThat(milter.connections()).isZero();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
