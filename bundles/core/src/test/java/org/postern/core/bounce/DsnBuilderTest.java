// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;
import org.postern.api.delivery.MessageContent;

/** Builds notices and reads them back with Angus Mail, field by field. */
class DsnBuilderTest {

    private static final String ORIGINAL = "Received: from client.example.org\r\nFrom: Sender <sender@example.org>\r\n"
            + "To: rcpt@example.com\r\nSubject: Hello\r\nMessage-ID: <orig.123@example.org>\r\n\r\nHello there.\r\n";
    private static final Instant ARRIVAL = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T12:30:00Z");

    private final Map<String, String> params = new java.util.HashMap<>(Map.of("myhostname", "mx.example.com",
            "myorigin", "example.com", "delay_warning_time", "4h"));

    private DsnBuilder builder() {
        return new DsnBuilder(BounceSettings.from(params::get), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static MessageContent content(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
    }

    private static OriginalMessage original(String sender, String ret, String text) {
        return new OriginalMessage("4XjQ2c1Yz0", sender, ARRIVAL, "envid-42", ret, "<orig.123@example.org>", content(text));
    }

    private static RecipientReport failed(String address, String orcpt, String diagnostic) {
        return new RecipientReport(address, orcpt, DsnAction.FAILED, "5.1.1", diagnostic, "",
                Optional.of(NOW.minusSeconds(60)));
    }

    private static MimeMessage parse(DsnMessage m) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true");
        return new MimeMessage(Session.getInstance(p), new ByteArrayInputStream(m.content()));
    }

    /** The per-message block and the per-recipient blocks of a delivery-status part. */
    private static List<InternetHeaders> statusBlocks(BodyPart part) throws Exception {
        byte[] raw = ((MimeBodyPart) part).getRawInputStream().readAllBytes();
        InputStream in = new ByteArrayInputStream(raw);
        List<InternetHeaders> blocks = new ArrayList<>();
        while (in.available() > 0) {
            InternetHeaders h = new InternetHeaders(in, true);
            if (h.getAllHeaderLines().hasMoreElements()) {
                blocks.add(h);
            }
        }
        return blocks;
    }

    private static String text(BodyPart part) throws Exception {
        return new String(((MimeBodyPart) part).getRawInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void failureNoticeShouldCarryPostfixWordingStatusFieldsAndTheWholeMessage() throws Exception {
        DsnMessage dsn = builder().toSender(DsnKind.FAILURE, original("sender@example.org", "", ORIGINAL),
                List.of(failed("rcpt@example.com", "rfc822;rcpt@example.com",
                        "host mx.example.com[192.0.2.7] said: 550 5.1.1 <rcpt@example.com>: Recipient address "
                                + "rejected: User unknown in local recipient table (in reply to RCPT TO command)")));
        assertThat(dsn.sender()).isEmpty();
        assertThat(dsn.recipients()).containsExactly("sender@example.org");

        MimeMessage m = parse(dsn);
        assertThat(m.getHeader("From", null)).isEqualTo("Mail Delivery System <MAILER-DAEMON@example.com>");
        assertThat(m.getHeader("To", null)).isEqualTo("<sender@example.org>");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getHeader("In-Reply-To", null)).isEqualTo("<orig.123@example.org>");
        assertThat(m.getHeader("References", null)).isEqualTo("<orig.123@example.org>");
        assertThat(m.getMessageID()).isEqualTo(dsn.messageId()).matches("<20261121123000\\.4XjQ2c1Yz0\\.[0-9a-f]{8}@mx\\.example\\.com>");
        assertThat(m.getSentDate()).isEqualTo(java.util.Date.from(NOW));
        ContentType type = new ContentType(m.getContentType());
        assertThat(type.getBaseType()).isEqualTo("multipart/report");
        assertThat(type.getParameter("report-type")).isEqualTo("delivery-status");

        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        BodyPart notification = parts.getBodyPart(0);
        assertThat(new ContentType(notification.getContentType()).getBaseType()).isEqualTo("text/plain");
        assertThat(notification.getDescription()).isEqualTo("Notification");
        String text = (String) notification.getContent();
        assertThat(text).startsWith("This is the mail system at host mx.example.com.\r\n\r\n"
                + "I'm sorry to have to inform you that your message could not\r\n"
                + "be delivered to one or more recipients. It's attached below.\r\n");
        assertThat(text).contains("                   The mail system\r\n\r\n<rcpt@example.com>: host "
                + "mx.example.com[192.0.2.7] said: 550 5.1.1\r\n    <rcpt@example.com>: Recipient");
        assertThat(text.lines()).allMatch(l -> l.length() <= 76);

        BodyPart status = parts.getBodyPart(1);
        assertThat(new ContentType(status.getContentType()).getBaseType()).isEqualTo("message/delivery-status");
        assertThat(status.getDescription()).isEqualTo("Delivery report");
        List<InternetHeaders> blocks = statusBlocks(status);
        assertThat(blocks).hasSize(2);
        InternetHeaders msg = blocks.get(0);
        assertThat(msg.getHeader("Original-Envelope-Id", null)).isEqualTo("envid-42");
        assertThat(msg.getHeader("Reporting-MTA", null)).isEqualTo("dns; mx.example.com");
        assertThat(msg.getHeader("X-Postfix-Queue-ID", null)).isEqualTo("4XjQ2c1Yz0");
        assertThat(msg.getHeader("X-Postfix-Sender", null)).isEqualTo("rfc822; sender@example.org");
        assertThat(msg.getHeader("Arrival-Date", null)).isEqualTo("Fri, 20 Nov 2026 10:00:00 GMT");
        InternetHeaders rcpt = blocks.get(1);
        assertThat(rcpt.getHeader("Final-Recipient", null)).isEqualTo("rfc822; rcpt@example.com");
        assertThat(rcpt.getHeader("Original-Recipient", null)).isEqualTo("rfc822;rcpt@example.com");
        assertThat(rcpt.getHeader("Action", null)).isEqualTo("failed");
        assertThat(rcpt.getHeader("Status", null)).isEqualTo("5.1.1");
        assertThat(rcpt.getHeader("Remote-MTA", null)).isEqualTo("dns; mx.example.com");
        assertThat(rcpt.getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 550 5.1.1 <rcpt@example.com>: "
                + "Recipient address rejected: User unknown in local recipient table");
        assertThat(rcpt.getHeader("Last-Attempt-Date", null)).isEqualTo("Sat, 21 Nov 2026 12:29:00 GMT");
        assertThat(rcpt.getHeader("Will-Retry-Until")).isNull();

        BodyPart returned = parts.getBodyPart(2);
        assertThat(new ContentType(returned.getContentType()).getBaseType()).isEqualTo("message/rfc822");
        assertThat(returned.getDescription()).isEqualTo("Undelivered Message");
        assertThat(text(returned)).isEqualTo(ORIGINAL);
        MimeMessage inner = (MimeMessage) returned.getContent();
        assertThat(inner.getSubject()).isEqualTo("Hello");
    }

    @Test
    void retHdrsShouldReturnTheHeadersOnly() throws Exception {
        MimeMessage m = parse(builder().toSender(DsnKind.FAILURE, original("sender@example.org", "HDRS", ORIGINAL),
                List.of(failed("rcpt@example.com", "", "mail forwarding loop for rcpt@example.com"))));
        BodyPart returned = ((MimeMultipart) m.getContent()).getBodyPart(2);
        assertThat(new ContentType(returned.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(returned.getDescription()).isEqualTo("Undelivered Message Headers");
        assertThat(text(returned)).isEqualTo(ORIGINAL.substring(0, ORIGINAL.indexOf("\r\n\r\n") + 2));
        InternetHeaders rcpt = statusBlocks(((MimeMultipart) m.getContent()).getBodyPart(1)).get(1);
        assertThat(rcpt.getHeader("Diagnostic-Code", null)).isEqualTo("X-Postfix; mail forwarding loop for rcpt@example.com");
        assertThat(rcpt.getHeader("Original-Recipient")).isNull();
        assertThat(rcpt.getHeader("Remote-MTA")).isNull();
    }

    @Test
    void messageLargerThanBounceSizeLimitShouldBeReturnedAsHeaders() throws Exception {
        params.put("bounce_size_limit", "100");
        String big = ORIGINAL + "x".repeat(500) + "\r\n";
        MimeMessage m = parse(builder().toSender(DsnKind.FAILURE, original("sender@example.org", "FULL", big),
                List.of(failed("rcpt@example.com", "", "550 no"))));
        BodyPart returned = ((MimeMultipart) m.getContent()).getBodyPart(2);
        assertThat(new ContentType(returned.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        String headers = text(returned);
        assertThat(headers.length()).isLessThanOrEqualTo(100);
        assertThat(headers).startsWith("Received: from client.example.org\r\n").endsWith("\r\n").doesNotContain("xxx");
    }

    @Test
    void delayWarningShouldListEveryRecipientWithWillRetryUntil() throws Exception {
        List<RecipientReport> rs = List.of(
                new RecipientReport("a@example.com", "", DsnAction.DELAYED, "4.4.1",
                        "connect to mx.example.com[192.0.2.7]:25: Connection refused", "", Optional.of(NOW)),
                new RecipientReport("b@example.net", "rfc822;alias@example.net", DsnAction.DELAYED, "4.7.1",
                        "host mx.example.net[198.51.100.1] said: 451 4.7.1 Greylisted (in reply to RCPT TO command)",
                        "", Optional.empty()));
        DsnMessage dsn = builder().toSender(DsnKind.DELAY, original("sender@example.org", "", ORIGINAL), rs);
        MimeMessage m = parse(dsn);
        assertThat(m.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        String text = (String) parts.getBodyPart(0).getContent();
        assertThat(text).contains("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #")
                .contains("Your message could not be delivered for more than 4 hour(s).\r\n"
                        + "It will be retried until it is 5 day(s) old.")
                .contains("<a@example.com>: connect to mx.example.com[192.0.2.7]:25: Connection refused")
                .contains("<b@example.net> (expanded from <alias@example.net>): host\r\n"
                        + "    mx.example.net[198.51.100.1] said: 451 4.7.1 Greylisted (in reply to\r\n"
                        + "    RCPT TO command)\r\n");
        List<InternetHeaders> blocks = statusBlocks(parts.getBodyPart(1));
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(1).getHeader("Action", null)).isEqualTo("delayed");
        assertThat(blocks.get(1).getHeader("Will-Retry-Until", null)).isEqualTo("Wed, 25 Nov 2026 10:00:00 GMT");
        assertThat(blocks.get(1).getHeader("Diagnostic-Code", null))
                .isEqualTo("X-Postfix; connect to mx.example.com[192.0.2.7]:25: Connection refused");
        assertThat(blocks.get(2).getHeader("Final-Recipient", null)).isEqualTo("rfc822; b@example.net");
        assertThat(blocks.get(2).getHeader("Status", null)).isEqualTo("4.7.1");
        assertThat(blocks.get(2).getHeader("Remote-MTA", null)).isEqualTo("dns; mx.example.net");
        assertThat(blocks.get(2).getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 451 4.7.1 Greylisted");
        assertThat(blocks.get(2).getHeader("Last-Attempt-Date")).isNull();
        BodyPart returned = parts.getBodyPart(2);
        assertThat(new ContentType(returned.getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
        assertThat(returned.getDescription()).isEqualTo("Delayed Message Headers");
    }

    @Test
    void successNoticeShouldReportDeliveredRelayedAndExpanded() throws Exception {
        List<RecipientReport> rs = List.of(
                new RecipientReport("a@example.com", "", DsnAction.DELIVERED, "2.0.0", "delivered via dovecot service",
                        "", Optional.of(NOW)),
                new RecipientReport("b@example.com", "", DsnAction.RELAYED, "2.0.0",
                        "host relay.example.com[192.0.2.9] said: 250 2.0.0 Ok: queued as ABC (in reply to end of DATA command)",
                        "", Optional.of(NOW)),
                new RecipientReport("c@example.com", "", DsnAction.EXPANDED, "2.0.0", "alias expanded", "",
                        Optional.empty()));
        MimeMessage m = parse(builder().toSender(DsnKind.SUCCESS, original("sender@example.org", "FULL", ORIGINAL), rs));
        assertThat(m.getSubject()).isEqualTo("Successful Mail Delivery Report");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains(
                "Your message was successfully delivered to the destination(s)\r\nlisted below.");
        List<InternetHeaders> blocks = statusBlocks(parts.getBodyPart(1));
        assertThat(blocks.subList(1, 4)).extracting(h -> h.getHeader("Action", null))
                .containsExactly("delivered", "relayed", "expanded");
        assertThat(blocks.get(2).getHeader("Diagnostic-Code", null)).isEqualTo("smtp; 250 2.0.0 Ok: queued as ABC");
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("message/rfc822");
        assertThat(parts.getBodyPart(2).getDescription()).isEqualTo("Delivered Message");
    }

    @Test
    void utf8AddressesShouldUseTheGlobalTypes() throws Exception {
        String original = "From: =?utf-8?q?J=C3=B6rg?= <jörg@exämple.org>\r\nSubject: Grüße\r\n\r\nHallo\r\n";
        DsnMessage dsn = builder().toSender(DsnKind.FAILURE, original("jörg@exämple.org", "", original),
                List.of(failed("用户@例子.测试", "utf-8;用户@例子.测试", "550 5.1.1 unknown user")));
        assertThat(dsn.recipients()).containsExactly("jörg@exämple.org");
        MimeMessage m = parse(dsn);
        assertThat(m.getHeader("To", null)).isEqualTo("<jörg@exämple.org>");
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("<用户@例子.测试>: 550 5.1.1 unknown user");
        assertThat(new ContentType(parts.getBodyPart(0).getContentType()).getParameter("charset")).isEqualTo("utf-8");
        BodyPart status = parts.getBodyPart(1);
        assertThat(new ContentType(status.getContentType()).getBaseType()).isEqualTo("message/global-delivery-status");
        List<InternetHeaders> blocks = statusBlocks(status);
        assertThat(blocks.get(0).getHeader("X-Postfix-Sender", null)).isEqualTo("utf-8; jörg@exämple.org");
        assertThat(blocks.get(1).getHeader("Final-Recipient", null)).isEqualTo("utf-8; 用户@例子.测试");
        assertThat(blocks.get(1).getHeader("Original-Recipient", null)).isEqualTo("utf-8;用户@例子.测试");
        BodyPart returned = parts.getBodyPart(2);
        assertThat(new ContentType(returned.getContentType()).getBaseType()).isEqualTo("message/global");
        assertThat(text(returned)).isEqualTo(original);
    }

    @Test
    void localPathsShouldBeRemovedForTheSenderButKeptForThePostmaster() throws Exception {
        params.put("double_bounce_sender", "bounces@admin.example.com");
        params.put("bounce_notice_recipient", "mailadmin");
        List<RecipientReport> rs = List.of(failed("joe@example.com", "",
                "cannot update mailbox /var/mail/joe for user joe. error writing message: File too large"));
        OriginalMessage o = original("sender@example.org", "", ORIGINAL);

        MimeMessage toSender = parse(builder().toSender(DsnKind.FAILURE, o, rs));
        MimeMultipart senderParts = (MimeMultipart) toSender.getContent();
        assertThat((String) senderParts.getBodyPart(0).getContent())
                .contains("cannot update mailbox (local path) for user joe.").doesNotContain("/var/mail");
        assertThat(statusBlocks(senderParts.getBodyPart(1)).get(1).getHeader("Diagnostic-Code", null))
                .isEqualTo("X-Postfix; cannot update mailbox (local path) for user joe. error writing message: File too large");

        DsnMessage copy = builder().postmasterCopy(DsnKind.FAILURE, o, rs);
        assertThat(copy.sender()).isEqualTo("bounces@admin.example.com");
        assertThat(copy.recipients()).containsExactly("mailadmin@example.com");
        MimeMessage pm = parse(copy);
        assertThat(pm.getSubject()).isEqualTo("Postmaster Copy: Undelivered Mail");
        MimeMultipart pmParts = (MimeMultipart) pm.getContent();
        assertThat((String) pmParts.getBodyPart(0).getContent()).doesNotContain("I'm sorry")
                .contains("/var/mail/joe");
        assertThat(new ContentType(pmParts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("text/rfc822-headers");
    }

    @Test
    void doubleBounceShouldGoTo2bounceRecipientFromAQualifiedDoubleBounceSender() throws Exception {
        params.put("2bounce_notice_recipient", "hostmaster@example.net");
        String bounce = "From: MAILER-DAEMON@remote.example\r\nSubject: Undelivered\r\n\r\nbody\r\n";
        DsnMessage dsn = builder().doubleBounce(original("", "", bounce),
                List.of(failed("sender@example.org", "", "host mx.example.org[192.0.2.3] said: 550 no such user")));
        assertThat(dsn.sender()).isEqualTo("double-bounce@mx.example.com");
        assertThat(dsn.recipients()).containsExactly("hostmaster@example.net");
        MimeMessage m = parse(dsn);
        MimeMultipart parts = (MimeMultipart) m.getContent();
        assertThat(statusBlocks(parts.getBodyPart(1)).get(0).getHeader("X-Postfix-Sender")).isNull();
        assertThat(new ContentType(parts.getBodyPart(2).getContentType()).getBaseType()).isEqualTo("message/rfc822");
        assertThat(text(parts.getBodyPart(2))).isEqualTo(bounce);
    }

    @Test
    void noticeToTheNullSenderShouldBeRefused() {
        assertThatThrownBy(() -> builder().toSender(DsnKind.FAILURE, original("", "", ORIGINAL),
                List.of(failed("rcpt@example.com", "", "550 no")))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bounceSettingsShouldHavePostfixDefaults() {
        BounceSettings s = BounceSettings.from(name -> null);
        assertThat(s.bounceSizeLimit()).isEqualTo(50000);
        assertThat(s.maximalQueueLifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(s.doubleBounceSender()).isEqualTo("double-bounce");
        assertThat(s.bounceNoticeRecipient()).isEqualTo("postmaster");
        assertThat(s.doubleBounceRecipient()).isEqualTo("postmaster");
        assertThat(s.delayNoticeRecipient()).isEqualTo("postmaster");
    }

    @Test
    void diagnosticWithLineBreaksShouldNotAddFields() throws Exception {
        MimeMessage m = parse(builder().toSender(DsnKind.FAILURE, original("sender@example.org", "", ORIGINAL),
                List.of(failed("rcpt@example.com", "", "550 bad\r\nAction: delivered"))));
        List<InternetHeaders> blocks = statusBlocks(((MimeMultipart) m.getContent()).getBodyPart(1));
        assertThat(blocks.get(1).getHeader("Action")).containsExactly("failed");
    }

}
