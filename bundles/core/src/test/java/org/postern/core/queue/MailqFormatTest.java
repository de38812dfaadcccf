// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class MailqFormatTest {

    private static final Instant MAY_1 = Instant.parse("2024-05-01T12:00:00Z");
    private static final String RCPT_INDENT = " ".repeat(41);

    private static String list(boolean longIds, List<MailqFormat.Entry> entries) {
        StringWriter w = new StringWriter();
        new MailqFormat(ZoneOffset.UTC, longIds).printList(entries, new PrintWriter(w));
        return w.toString();
    }

    private static String json(List<MailqFormat.Entry> entries) {
        StringWriter w = new StringWriter();
        new MailqFormat(ZoneOffset.UTC, false).printJson(entries, new PrintWriter(w));
        return w.toString();
    }

    private static MailqFormat.Entry entry(String id, QueueName q, long size, String sender, MailqFormat.Recipient... r) {
        return new MailqFormat.Entry(id, q, MAY_1, size, false, sender, List.of(r));
    }

    private static MailqFormat.Recipient rcpt(String address) {
        return new MailqFormat.Recipient(address, "");
    }

    @Test
    void emptyQueueShouldPrintPostfixsSentence() {
        assertThat(list(false, List.of())).isEqualTo("Mail queue is empty\n");
        assertThat(json(List.of())).isEmpty();
    }

    @Test
    void listShouldMatchPostqueueShortIdLayout() {
        String out = list(false, List.of(
                entry("4XjQ2c1Yz0", QueueName.ACTIVE, 1234, "a@example.org", rcpt("x@example.com"), rcpt("y@example.com")),
                entry("4XjQ2c1Yz1", QueueName.HOLD, 900, "", rcpt("postmaster@example.com")),
                entry("4XjQ2c1Yz2", QueueName.INCOMING, 100, "b@example.org", rcpt("z@example.com"))));
        assertThat(out).isEqualTo(""
                + "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
                + "4XjQ2c1Yz0*    1234 Wed May  1 12:00:00  a@example.org\n"
                + RCPT_INDENT + "x@example.com\n"
                + RCPT_INDENT + "y@example.com\n"
                + "\n"
                + "4XjQ2c1Yz1!     900 Wed May  1 12:00:00  MAILER-DAEMON\n"
                + RCPT_INDENT + "postmaster@example.com\n"
                + "\n"
                + "4XjQ2c1Yz2      100 Wed May  1 12:00:00  b@example.org\n"
                + RCPT_INDENT + "z@example.com\n"
                + "\n"
                + "-- 2 Kbytes in 3 Requests.\n");
    }

    @Test
    void oneMessageShouldSayRequestInSingular() {
        String out = list(false, List.of(entry("4XjQ2c1Yz0", QueueName.DEFERRED, 512, "a@b", rcpt("c@d"))));
        assertThat(out).endsWith("\n\n-- 0 Kbytes in 1 Request.\n");
    }

    @Test
    void delayReasonShouldBeRightAlignedAndPrintedOnlyWhenItChanges() {
        String reason = "connect to mx.example.com[192.0.2.7]:25: Connection refused";
        String out = list(false, List.of(new MailqFormat.Entry("4XjQ2c1Yz0", QueueName.DEFERRED, MAY_1, 2048, true, "a@b",
                List.of(new MailqFormat.Recipient("x@example.com", reason),
                        new MailqFormat.Recipient("y@example.com", reason),
                        new MailqFormat.Recipient("z@example.com", "")))));
        assertThat(out).isEqualTo(""
                + "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n"
                + "4XjQ2c1Yz0#    2048 Wed May  1 12:00:00  a@b\n"
                + " ".repeat(76 - reason.length()) + "(" + reason + ")\n"
                + RCPT_INDENT + "x@example.com\n"
                + RCPT_INDENT + "y@example.com\n"
                + " ".repeat(76 - 18) + "(reason unavailable)\n"
                + RCPT_INDENT + "z@example.com\n"
                + "\n"
                + "-- 2 Kbytes in 1 Request.\n");
    }

    @Test
    void longIdsShouldUsePostfixsWideColumns() {
        String out = list(true, List.of(entry("4XjQ2c1Yz0", QueueName.ACTIVE, 1234, "a@example.org", rcpt("x@example.com"))));
        assertThat(out).isEqualTo(""
                + "----Queue ID----- --Size-- ---Arrival Time---- --Sender/Recipient------\n"
                + "4XjQ2c1Yz0*           1234 Wed May  1 12:00:00 a@example.org\n"
                + " ".repeat(47) + "x@example.com\n"
                + "\n"
                + "-- 1 Kbytes in 1 Request.\n");
    }

    @Test
    void asctimeShouldPadSingleDigitDaysAndUseLocalZone() {
        assertThat(MailqFormat.asctime(Instant.parse("1970-01-01T00:00:00Z"), ZoneOffset.UTC))
                .isEqualTo("Thu Jan  1 00:00:00 1970");
        assertThat(MailqFormat.asctime(Instant.parse("2024-12-24T23:30:00Z"), ZoneId.of("Europe/Berlin")))
                .isEqualTo("Wed Dec 25 00:30:00 2024");
    }

    @Test
    void controlCharactersShouldBecomeQuestionMarksInTheListing() {
        String out = list(false, List.of(entry("4XjQ2c1Yz0", QueueName.INCOMING, 1, "a\u0007b@c", rcpt("x\ty@z"))));
        assertThat(out).contains("  a?b@c\n").contains(RCPT_INDENT + "x?y@z\n");
    }

    @Test
    void jsonShouldMatchPostqueueJ() {
        String out = json(List.of(
                new MailqFormat.Entry("4XjQ2c1Yz0", QueueName.DEFERRED, MAY_1, 1234, false, "a@example.org",
                        List.of(new MailqFormat.Recipient("x@example.com", "host said \"no\"\r\n"),
                                new MailqFormat.Recipient("y@example.com", ""))),
                entry("4XjQ2c1Yz1", QueueName.ACTIVE, 10, "", rcpt("p\\q@example.com"))));
        assertThat(out).isEqualTo(""
                + "{\"queue_name\": \"deferred\", \"queue_id\": \"4XjQ2c1Yz0\", \"arrival_time\": 1714564800, "
                + "\"message_size\": 1234, \"forced_expire\": false, \"sender\": \"a@example.org\", \"recipients\": "
                + "[{\"address\": \"x@example.com\", \"delay_reason\": \"host said \\\"no\\\"\\r\\n\"}, "
                + "{\"address\": \"y@example.com\"}]}\n"
                + "{\"queue_name\": \"active\", \"queue_id\": \"4XjQ2c1Yz1\", \"arrival_time\": 1714564800, "
                + "\"message_size\": 10, \"forced_expire\": false, \"sender\": \"MAILER-DAEMON\", \"recipients\": "
                + "[{\"address\": \"p\\\\q@example.com\"}]}\n");
    }

    @Test
    void jsonShouldEscapeOtherControlsAsUnicode() {
        assertThat(MailqFormat.json("a\u0001b\u007f")).isEqualTo("a\\u0001b\\u007F");
    }

    @Test
    void entryOfShouldListAllRecipientsOfACommittedMessage() {
        QueuedMessage m = new QueuedMessage("4XjQ2c1Yz0", QueueName.INCOMING, 42, TestMessages.dsnEnvelope());
        MailqFormat.Entry e = MailqFormat.Entry.of(m);
        assertThat(e.recipients()).extracting(MailqFormat.Recipient::address).containsExactly("x@example.com", "y@example.com");
        assertThat(e.arrival()).isEqualTo(m.envelope().arrival());
        assertThat(e.size()).isEqualTo(42);
    }
}
