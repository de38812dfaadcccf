// SPDX-License-Identifier: Apache-2.0
package org.postern.core.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.DsnRequest;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.RecordingQueueStore;
import org.postern.core.smtp.SmtpReply;

class SendmailTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T10:06:07Z"), ZoneOffset.UTC);

    private final RecordingQueueStore queue = new RecordingQueueStore();
    private final StringWriter errors = new StringWriter();

    private static PostfixConfig config(String... mainCf) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com", "mydomain = example.com"));
        lines.addAll(Arrays.asList(mainCf));
        return PostfixConfig.of(ParameterTable.standard(),
                new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.com"),
                MainCf.parse(Path.of("main.cf"), lines));
    }

    private int send(String input, String... args) throws Exception {
        return send(config(), input, args);
    }

    private int send(PostfixConfig config, String input, String... args) throws Exception {
        Sendmail sendmail = new Sendmail(queue, config, "alice", CLOCK);
        Sendmail.Options options = Sendmail.parse(List.of(args));
        return sendmail.submit(options, new BufferedReader(new StringReader(input)),
                new PrintWriter(errors, true)).status();
    }

    private List<String> recipients() {
        return queue.last().committed.recipients().stream().map(EnvelopeRecipient::address).toList();
    }

    @Test
    void commandLineRecipientIsQueuedWithCrlfAndLocalProtocol() throws Exception {
        assertThat(send("Subject: hi\n\nbody\n", "bob@example.org")).isZero();
        RecordingQueueStore.Message m = queue.last();
        assertThat(m.text()).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        assertThat(recipients()).containsExactly("bob@example.org");
        assertThat(m.committed.client().protocol()).isEqualTo("local");
        assertThat(m.committed.client().isRemote()).isFalse();
        assertThat(m.announced).isNotNull();
        assertThat(m.closed).isTrue();
    }

    @Test
    void contentFilterFromMainCfRoutesLocalSubmissions() throws Exception {
        send(config("content_filter = smtp-amavis:[127.0.0.1]:10024"), "\nx\n", "bob@example.org");
        assertThat(queue.last().committed.actions().filter()).contains("smtp-amavis:[127.0.0.1]:10024");
        send("\nx\n", "bob@example.org");
        assertThat(queue.last().committed.actions().filter()).isEmpty();
    }

    @Test
    void defaultSenderIsLoginAtMyorigin() throws Exception {
        send("\nx\n", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEqualTo("alice@mx.example.com");
        send(config("myorigin = example.com"), "\nx\n", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEqualTo("alice@example.com");
    }

    @Test
    void senderFromDashF() throws Exception {
        send("\nx\n", "-f", "boss@example.net", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEqualTo("boss@example.net");
        send("\nx\n", "-fjoined@example.net", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEqualTo("joined@example.net");
        send("\nx\n", "-f", "<>", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEmpty();
        send("\nx\n", "-f", "daemon", "bob@example.org");
        assertThat(queue.last().committed.sender()).isEqualTo("daemon@mx.example.com");
    }

    @Test
    void unqualifiedRecipientsGetMyorigin() throws Exception {
        send(config("myorigin = example.com"), "\nx\n", "bob", "carol@example.net");
        assertThat(recipients()).containsExactly("bob@example.com", "carol@example.net");
    }

    @Test
    void commaSeparatedArgumentIsAnAddressList() throws Exception {
        send("\nx\n", "bob@example.org, Carol <carol@example.org>");
        assertThat(recipients()).containsExactly("bob@example.org", "carol@example.org");
    }

    @Test
    void noRecipientsIsUsageError() throws Exception {
        assertThat(send("Subject: x\n\nbody\n")).isEqualTo(64);
        assertThat(errors.toString()).contains("sendmail: fatal: no recipients specified");
        assertThat(queue.messages).isEmpty();
    }

    @Test
    void dashTWithoutRecipientHeadersIsUsageError() throws Exception {
        assertThat(send("Subject: x\n\nbody\n", "-t")).isEqualTo(64);
        assertThat(errors.toString()).contains("no recipients specified");
    }

    @Test
    void dashTExtractsToCcBccAndRemovesBcc() throws Exception {
        String in = "From: me\nTo: Bob <bob@example.org>,\n  carol@example.org\nCc: undisclosed: dave@example.org;\n"
                + "Bcc: secret@example.org,\n\tsecond@example.org\nSubject: s\n\nbody\nBcc: not-a-header@example.org\n";
        assertThat(send(in, "-t", "extra@example.org")).isZero();
        assertThat(recipients()).containsExactly("extra@example.org", "bob@example.org", "carol@example.org",
                "dave@example.org", "secret@example.org", "second@example.org");
        assertThat(queue.last().text()).isEqualTo("From: me\r\nTo: Bob <bob@example.org>,\r\n  carol@example.org\r\n"
                + "Cc: undisclosed: dave@example.org;\r\nSubject: s\r\n\r\nbody\r\nBcc: not-a-header@example.org\r\n");
    }

    @Test
    void dashTUnqualifiedHeaderAddressGetsMyorigin() throws Exception {
        send("To: bob\n\nx\n", "-t");
        assertThat(recipients()).containsExactly("bob@mx.example.com");
    }

    @Test
    void resentHeadersWinOverToCc() throws Exception {
        String in = "To: old@example.org\nResent-To: new@example.org\nResent-Bcc: hidden@example.org\n\nx\n";
        send(in, "-t");
        assertThat(recipients()).containsExactly("new@example.org", "hidden@example.org");
        assertThat(queue.last().text()).doesNotContain("Resent-Bcc").contains("To: old@example.org");
    }

    @Test
    void singleDotEndsInputWithoutDashI() throws Exception {
        send("Subject: s\n\nline\n.\nafter\n", "bob@example.org");
        assertThat(queue.last().text()).isEqualTo("Subject: s\r\n\r\nline\r\n");
    }

    @Test
    void singleDotIsDataWithDashIOrDashOi() throws Exception {
        send("Subject: s\n\nline\n.\nafter\n", "-i", "bob@example.org");
        assertThat(queue.last().text()).isEqualTo("Subject: s\r\n\r\nline\r\n.\r\nafter\r\n");
        send("Subject: s\n\n.\n..\n", "-oi", "bob@example.org");
        assertThat(queue.last().text()).isEqualTo("Subject: s\r\n\r\n.\r\n..\r\n");
        send("Subject: s\n\n.\n", "-o", "i", "bob@example.org");
        assertThat(queue.last().text()).endsWith(".\r\n");
    }

    @Test
    void crlfInputStaysCrlf() throws Exception {
        send("Subject: s\r\n\r\nbody\r\n", "bob@example.org");
        assertThat(queue.last().text()).isEqualTo("Subject: s\r\n\r\nbody\r\n");
    }

    @Test
    void parseOptions() throws Exception {
        Sendmail.Options o = Sendmail.parse(List.of("-bm", "-F", "Alice A", "-oem", "-t", "-i", "--", "-odd"));
        assertThat(o.extractRecipients()).isTrue();
        assertThat(o.ignoreDots()).isTrue();
        assertThat(o.fullName()).isEqualTo("Alice A");
        assertThat(o.recipients()).containsExactly("-odd");
        assertThat(o.sender()).isNull();
        assertThat(Sendmail.parse(List.of("-oem", "a")).ignoreDots()).isFalse();
        assertThatThrownBy(() -> Sendmail.parse(List.of("-bd"))).isInstanceOf(Sendmail.UsageException.class);
        assertThatThrownBy(() -> Sendmail.parse(List.of("-f"))).isInstanceOf(Sendmail.UsageException.class);
    }

    @Test
    void parseModesAsPostfixsSendmail() throws Exception {
        assertThat(Sendmail.parse(List.of("-bp")).mode()).isEqualTo(Sendmail.Mode.LIST_QUEUE);
        assertThat(Sendmail.parse(List.of("-bi")).mode()).isEqualTo(Sendmail.Mode.NEWALIASES);
        assertThat(Sendmail.parse(List.of("-bs")).mode()).isEqualTo(Sendmail.Mode.SMTP);
        Sendmail.Options flush = Sendmail.parse(List.of("-q"));
        assertThat(flush.mode()).isEqualTo(Sendmail.Mode.FLUSH);
        assertThat(flush.flushTarget()).isEmpty();
        assertThat(Sendmail.parse(List.of("-qRexample.com")).flushTarget()).isEqualTo("Rexample.com");
        // "-q" takes no next word: the recipient after it stays a recipient.
        assertThat(Sendmail.parse(List.of("-q", "a@example.org")).recipients()).containsExactly("a@example.org");
    }

    @Test
    void fullNameBecomesTheDisplayNameOfAnAddedFrom() throws Exception {
        send("Subject: s\n\nbody\n", "-F", "Ann Example", "-f", "ann@example.org", "bob@example.org");
        assertThat(queue.last().text()).contains("From: Ann Example <ann@example.org>\r\n");
        send("Subject: s\n\nbody\n", "-FJ. R. \"Bob\" Doe", "-f", "bob@example.org", "x@example.org");
        assertThat(queue.last().text()).contains("From: \"J. R. \\\"Bob\\\" Doe\" <bob@example.org>\r\n");
        send("From: kept@example.org\nSubject: s\n\nbody\n", "-F", "Ann", "bob@example.org");
        assertThat(queue.last().text()).doesNotContain("Ann").contains("From: kept@example.org");
    }

    @Test
    void dsnOptionsPassThrough() throws Exception {
        Sendmail.Options o = Sendmail.parse(List.of("-Nsuccess,delay", "-R", "hdrs", "-V", "env-42", "-tiFAnn", "x@example.org"));
        assertThat(o.notifyOn()).containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.DELAY);
        assertThat(o.dsn()).isEqualTo(new DsnRequest("env-42", DsnRequest.Return.HDRS));
        assertThat(o.fullName()).isEqualTo("Ann");
        assertThat(Sendmail.parse(List.of("-N", "never", "x")).notifyOn()).containsExactly(DsnNotify.NEVER);
        assertThatThrownBy(() -> Sendmail.parse(List.of("-N", "never,success", "x")))
                .hasMessage("bad -N option value: never,success");

        send("Subject: s\n\nbody\n", "-N", "failure", "-R", "full", "-V", "abc", "bob@example.org");
        assertThat(queue.last().committed.dsn()).isEqualTo(new DsnRequest("abc", DsnRequest.Return.FULL));
        assertThat(queue.last().committed.recipients().get(0).notifyOn()).containsExactly(DsnNotify.FAILURE);
    }

    @Test
    void parseOptionClustersLikeGetopt() throws Exception {
        Sendmail.Options ti = Sendmail.parse(List.of("-ti", "rcpt@example.com"));
        assertThat(ti.extractRecipients()).isTrue();
        assertThat(ti.ignoreDots()).isTrue();
        assertThat(ti.recipients()).containsExactly("rcpt@example.com");
        Sendmail.Options tf = Sendmail.parse(List.of("-itfjoe@example.org"));
        assertThat(tf.sender()).isEqualTo("joe@example.org");
        assertThat(tf.ignoreDots()).isTrue();
        assertThat(Sendmail.parse(List.of("-tf", "ann@example.org", "x")).sender()).isEqualTo("ann@example.org");
        assertThatThrownBy(() -> Sendmail.parse(List.of("-tz"))).hasMessage("illegal option -- z");
    }

    @Test
    void queueWriteFailureIsTempfail() throws Exception {
        queue.failCommit = new IOException("disk full");
        assertThat(send("\nx\n", "bob@example.org")).isEqualTo(75);
        assertThat(errors.toString()).contains("sendmail: fatal: queue file write error");
        assertThat(queue.last().closed).isTrue();
    }

    @Test
    void cleanupRejectionMapsToSysexits() throws Exception {
        queue.failCommit = new CleanupRejection(new SmtpReply(550, "5.7.1", "message content rejected"));
        assertThat(send("\nx\n", "bob@example.org")).isEqualTo(69);
        assertThat(errors.toString()).contains("sendmail: fatal: message content rejected");
        queue.failCommit = new CleanupRejection(new SmtpReply(451, "4.3.0", "try later"));
        assertThat(send("\nx\n", "bob@example.org")).isEqualTo(75);
    }
}
