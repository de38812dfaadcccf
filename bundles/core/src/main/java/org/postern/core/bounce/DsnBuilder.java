// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.field.DefaultFieldParser;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.util.ContentUtil;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * SUMMARY   Builds RFC 3464 delivery status notifications (Postfix's bounce(8) messages).
 * DESCRIPTION
 *   A pure builder: the queue manager decides when a notice is due and queues what this
 *   returns. Three entry points:
 *   <ul>
 *   <li>{@link #toSender}: the notice to the original sender (null envelope sender), in the
 *       words of Postfix's built-in templates (bounce(5)), From "Mail Delivery System
 *       &lt;MAILER-DAEMON@$myorigin&gt;", Auto-Submitted: auto-replied, a new Message-ID, and
 *       In-Reply-To:/References: naming the original Message-ID (wishlist).</li>
 *   <li>{@link #postmasterCopy}: the copy notify_classes asks for (bounce, delay), to
 *       bounce_notice_recipient or delay_notice_recipient, with the Postmaster-Subject, no
 *       template text, the original's headers only and full diagnostics.</li>
 *   <li>{@link #doubleBounce}: an undeliverable notice (original sender empty) to
 *       2bounce_notice_recipient, with the message returned in full.</li>
 *   </ul>
 *   Postmaster notices come from double_bounce_sender, taken as a full address when it
 *   contains "@" and qualified with @$myhostname otherwise (wishlist: "qmgr should do the
 *   right thing when double_bounce_sender contains @"), so that a bounce of them is
 *   recognised and discarded.
 *   <p>Structure (built with mime4j's DOM, nothing hand-made): multipart/report;
 *   report-type=delivery-status with (1) text/plain "Notification", (2)
 *   message/delivery-status "Delivery report" with per-message fields (Original-Envelope-Id,
 *   Reporting-MTA, X-Postfix-Queue-ID, X-Postfix-Sender, Arrival-Date) and per-recipient
 *   fields (Final-Recipient, Original-Recipient, Action, Status, Remote-MTA, Diagnostic-Code,
 *   Last-Attempt-Date, Will-Retry-Until for delays), (3) the returned message:
 *   message/rfc822 when RET=FULL (failures: also when RET is not given) and the message is
 *   within bounce_size_limit, else text/rfc822-headers. With UTF-8 addresses (SMTPUTF8) the
 *   RFC 6533 types are used: message/global-delivery-status, utf-8 address types,
 *   message/global and message/global-headers for returned content with 8-bit headers.
 * SECURITY  Addresses, diagnostics and the returned message come from remote parties.
 *   Diagnostics are cut and stripped of controls ({@link Diagnostic}); addresses with CR, LF
 *   or NUL are refused (the queue never stores them). Local paths are removed from local
 *   diagnostics in notices to the sender (the wishlist's privacy item; see {@link Diagnostic}).
 * CONFIGURATION PARAMETERS  see {@link BounceSettings}.
 * BUGS      bounce_template_file is not read: the texts are Postfix's built-in ones.
 *   Delay and success notices return the headers unless RET=FULL.
 * SEE ALSO  Postfix bounce(8), bounce(5); RFC 3461, 3462, 3464, 6533.
 */
public final class DsnBuilder {

    static final String FAILURE_TEXT = """
            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

            For further assistance, please send mail to postmaster.

            If you do so, please include this problem report. You can
            delete your own text from the attached returned message.

                               The mail system
            """;

    static final String DELAY_TEXT = """
            ####################################################################
            # THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
            ####################################################################

            Your message could not be delivered for more than %d hour(s).
            It will be retried until it is %d day(s) old.

            For further assistance, please send mail to postmaster.

            If you do so, please include this problem report. You can
            delete your own text from the attached returned message.

                               The mail system
            """;

    static final String SUCCESS_TEXT = """
            Your message was successfully delivered to the destination(s)
            listed below. If the message was delivered to mailbox you will
            receive no further notifications. Otherwise you may still receive
            notifications of mail delivery errors from other systems.

                               The mail system
            """;

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.US);
    private static final int WRAP = 76;

    private final BounceSettings settings;
    private final Clock clock;

    public DsnBuilder(BounceSettings settings) {
        this(settings, Clock.systemDefaultZone());
    }

    public DsnBuilder(BounceSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Who a notice is for: decides the words, the returned content and the privacy rule. */
    private enum Audience { SENDER, POSTMASTER, DOUBLE_BOUNCE }

    /**
     * The notice to the original sender.
     *
     * @throws IllegalArgumentException when the original sender is the null sender (use
     *                                  {@link #doubleBounce} or {@link #postmasterCopy})
     */
    public DsnMessage toSender(DsnKind kind, OriginalMessage original, List<RecipientReport> recipients)
            throws IOException {
        if (original.sender().isEmpty()) {
            throw new IllegalArgumentException("no notice to the null sender");
        }
        return build(kind, original, recipients, Audience.SENDER, "", original.sender(), kind.subject());
    }

    /** The postmaster copy (notify_classes bounce or delay): headers only, full diagnostics. */
    public DsnMessage postmasterCopy(DsnKind kind, OriginalMessage original, List<RecipientReport> recipients)
            throws IOException {
        String to = kind == DsnKind.DELAY ? settings.delayNoticeRecipient() : settings.bounceNoticeRecipient();
        return build(kind, original, recipients, Audience.POSTMASTER, settings.doubleBounceAddress(),
                settings.qualify(to), kind.postmasterSubject());
    }

    /** An undeliverable notice (its sender was null) for 2bounce_notice_recipient, returned in full. */
    public DsnMessage doubleBounce(OriginalMessage original, List<RecipientReport> recipients) throws IOException {
        return build(DsnKind.FAILURE, original, recipients, Audience.DOUBLE_BOUNCE, settings.doubleBounceAddress(),
                settings.qualify(settings.doubleBounceRecipient()), DsnKind.FAILURE.postmasterSubject());
    }

    private DsnMessage build(DsnKind kind, OriginalMessage original, List<RecipientReport> recipients,
                             Audience audience, String envelopeSender, String to, String subject) throws IOException {
        checkAddress(to);
        recipients.forEach(r -> {
            checkAddress(r.address());
            checkAddress(r.originalRecipient());
        });
        boolean forSender = audience == Audience.SENDER;
        boolean global = !isAscii(original.sender()) || !isAscii(to) || recipients.stream()
                .anyMatch(r -> !isAscii(r.address()) || !isAscii(r.originalRecipient()));

        String notification = notificationText(kind, recipients, audience);
        String report = deliveryStatus(kind, original, recipients, forSender, global);
        Returned returned = returned(kind, original, audience);

        MultipartBuilder parts = MultipartBuilder.create("report");
        parts.addBodyPart(BodyPartBuilder.create()
                .setBody(BasicBodyFactory.INSTANCE.textBody(notification, StandardCharsets.UTF_8))
                .setContentType("text/plain", new NameValuePair("charset", isAscii(notification) ? "us-ascii" : "utf-8"))
                .setContentTransferEncoding(isAscii(notification) ? MimeUtil.ENC_7BIT : MimeUtil.ENC_8BIT)
                .setField(field("Content-Description", "Notification")));
        parts.addBodyPart(BodyPartBuilder.create()
                .setBody(BasicBodyFactory.INSTANCE.binaryBody(report.getBytes(StandardCharsets.UTF_8)))
                .setContentType(global ? "message/global-delivery-status" : "message/delivery-status")
                .setContentTransferEncoding(isAscii(report) ? MimeUtil.ENC_7BIT : MimeUtil.ENC_8BIT)
                .setField(field("Content-Description", "Delivery report")));
        parts.addBodyPart(BodyPartBuilder.create()
                .setBody(BasicBodyFactory.INSTANCE.binaryBody(returned.bytes()))
                .setContentType(returned.contentType())
                .setContentTransferEncoding(isAscii(returned.bytes()) ? MimeUtil.ENC_7BIT : MimeUtil.ENC_8BIT)
                .setField(field("Content-Description", kind.returnedDescription()
                        + (returned.headersOnly() ? " Headers" : ""))));
        boolean eightBit = !isAscii(notification) || !isAscii(report) || !isAscii(returned.bytes());

        Instant now = clock.instant();
        String messageId = "<" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").format(now.atZone(clock.getZone()))
                + "." + original.queueId() + "." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())
                + "@" + settings.myhostname() + ">";
        Message.Builder message = Message.Builder.of()
                .setField(field("From", "Mail Delivery System <MAILER-DAEMON@" + settings.myorigin() + ">"))
                .setField(field("To", "<" + to + ">"))
                .setSubject(subject)
                .setDate(Date.from(now), TimeZone.getTimeZone(clock.getZone()))
                .setMessageId(messageId)
                .setField(field("Auto-Submitted", "auto-replied"));
        if (!original.messageId().isBlank() && isSafeHeaderValue(original.messageId())) {
            message.setField(field("In-Reply-To", original.messageId().strip()));
            message.setField(field("References", original.messageId().strip()));
        }
        message.setField(field("MIME-Version", "1.0"))
                .setBody(parts.build())
                .setContentType("multipart/report", new NameValuePair("report-type", "delivery-status"),
                        new NameValuePair("boundary", MimeUtil.createUniqueBoundary()))
                .setContentTransferEncoding(eightBit ? MimeUtil.ENC_8BIT : MimeUtil.ENC_7BIT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DefaultMessageWriter().writeMessage(message.build(), out);
        return new DsnMessage(envelopeSender, List.of(to), messageId, out.toByteArray());
    }

    // ---------------------------------------------------------------- human-readable part

    private String notificationText(DsnKind kind, List<RecipientReport> recipients, Audience audience) {
        StringBuilder b = new StringBuilder();
        if (audience != Audience.POSTMASTER) {
            b.append("This is the mail system at host ").append(settings.myhostname()).append(".\n\n");
            b.append(switch (kind) {
                case FAILURE -> FAILURE_TEXT;
                case DELAY -> String.format(Locale.ROOT, DELAY_TEXT, settings.delayWarningTime().toHours(),
                        settings.maximalQueueLifetime().toDays());
                case SUCCESS -> SUCCESS_TEXT;
            });
            b.append('\n');
        }
        boolean forSender = audience == Audience.SENDER;
        for (RecipientReport r : recipients) {
            String orig = orcptAddress(r.originalRecipient());
            StringBuilder entry = new StringBuilder("<").append(r.address()).append(">");
            if (!orig.isEmpty() && !orig.equalsIgnoreCase(r.address())) {
                entry.append(" (expanded from <").append(orig).append(">)");
            }
            entry.append(": ").append(Diagnostic.humanText(r.diagnostic(), forSender));
            b.append(wrap(entry.toString())).append('\n');
        }
        return b.toString().replace("\n", "\r\n");
    }

    /** Folds a long entry at spaces, continuation lines indented by four spaces, as Postfix does. */
    static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        boolean fresh = true;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!fresh && line.length() + 1 + word.length() > WRAP) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append("    ");
                fresh = true;
            }
            if (!fresh) {
                line.append(' ');
            }
            line.append(word);
            fresh = false;
        }
        return out.append(line).append('\n').toString();
    }

    // ---------------------------------------------------------------- delivery-status part

    private String deliveryStatus(DsnKind kind, OriginalMessage original, List<RecipientReport> recipients,
                                  boolean forSender, boolean global) {
        List<String> lines = new ArrayList<>();
        if (!original.envid().isEmpty() && isSafeHeaderValue(original.envid())) {
            lines.add("Original-Envelope-Id: " + original.envid());
        }
        lines.add("Reporting-MTA: dns; " + settings.myhostname());
        lines.add("X-Postfix-Queue-ID: " + original.queueId());
        if (!original.sender().isEmpty()) {
            lines.add("X-Postfix-Sender: " + addressType(original.sender()) + "; " + original.sender());
        }
        lines.add("Arrival-Date: " + date(original.arrival()));
        for (RecipientReport r : recipients) {
            lines.add("");
            lines.add("Final-Recipient: " + addressType(r.address()) + "; " + r.address());
            if (!r.originalRecipient().isEmpty()) {
                lines.add("Original-Recipient: " + r.originalRecipient());
            }
            lines.add("Action: " + r.action().fieldValue());
            lines.add("Status: " + (r.status().isEmpty() ? defaultStatus(r.action()) : r.status()));
            Diagnostic d = Diagnostic.of(r.diagnostic(), r.remoteMta(), forSender);
            if (!d.remoteMta().isEmpty()) {
                lines.add("Remote-MTA: dns; " + d.remoteMta());
            }
            if (!d.text().isEmpty()) {
                lines.add("Diagnostic-Code: " + d.type() + "; " + d.text());
            }
            r.lastAttempt().ifPresent(t -> lines.add("Last-Attempt-Date: " + date(t)));
            if (r.action() == DsnAction.DELAYED) {
                lines.add("Will-Retry-Until: " + date(original.arrival().plus(settings.maximalQueueLifetime())));
            }
        }
        return String.join("\r\n", lines) + "\r\n";
    }

    private static String defaultStatus(DsnAction action) {
        return switch (action) {
            case FAILED -> "5.0.0";
            case DELAYED -> "4.0.0";
            default -> "2.0.0";
        };
    }

    private String date(Instant t) {
        return RFC5322.format(ZonedDateTime.ofInstant(t, clock.getZone()));
    }

    private static String addressType(String address) {
        return isAscii(address) ? "rfc822" : "utf-8";
    }

    /** The address inside an ORCPT value ("rfc822;user@example.com"), xtext decoded. */
    static String orcptAddress(String orcpt) {
        int semi = orcpt.indexOf(';');
        if (semi < 0) {
            return "";
        }
        String value = orcpt.substring(semi + 1).strip();
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' && i + 2 < value.length() && HexFormat.isHexDigit(value.charAt(i + 1))
                    && HexFormat.isHexDigit(value.charAt(i + 2))) {
                out.append((char) HexFormat.fromHexDigits(value, i + 1, i + 3));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- returned message

    private record Returned(byte[] bytes, boolean headersOnly, String contentType) {
    }

    private Returned returned(DsnKind kind, OriginalMessage original, Audience audience) throws IOException {
        String ret = original.ret().toUpperCase(Locale.ROOT);
        boolean full = switch (audience) {
            case POSTMASTER -> false;
            case DOUBLE_BOUNCE -> true;
            case SENDER -> kind == DsnKind.FAILURE ? !ret.equals("HDRS") : ret.equals("FULL");
        };
        long limit = Math.max(0, settings.bounceSizeLimit());
        if (full && original.content().size() <= limit) {
            byte[] all;
            try (InputStream in = original.content().open()) {
                all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            }
            if (all.length <= limit) {
                return new Returned(all, false, isAscii(headerBytes(all)) ? "message/rfc822" : "message/global");
            }
        }
        byte[] headers;
        try (InputStream in = original.content().open()) {
            headers = headers(in, limit);
        }
        return new Returned(headers, true, isAscii(headers) ? "text/rfc822-headers" : "message/global-headers");
    }

    /** The header section (up to the empty line), cut at a line end within {@code limit} bytes. */
    static byte[] headers(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                if (line.size() <= 2 && (line.size() == 1 || line.toByteArray()[0] == '\r')) {
                    break;
                }
                if (out.size() + line.size() > limit) {
                    break;
                }
                line.writeTo(out);
                line.reset();
            }
        }
        return out.toByteArray();
    }

    private static byte[] headerBytes(byte[] message) throws IOException {
        return headers(new java.io.ByteArrayInputStream(message), Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- helpers

    /** A header field; UTF-8 values are written as raw UTF-8 (RFC 6532), never as '?'. */
    private static Field field(String name, String value) {
        try {
            return DefaultFieldParser.parse(ContentUtil.encode(StandardCharsets.UTF_8, name + ": " + value),
                    DecodeMonitor.SILENT);
        } catch (MimeException e) {
            throw new IllegalArgumentException("bad header field " + name, e);
        }
    }

    private static void checkAddress(String address) {
        if (!isSafeHeaderValue(address)) {
            throw new IllegalArgumentException("address with a control character");
        }
    }

    private static boolean isSafeHeaderValue(String value) {
        return value.chars().noneMatch(c -> c == '\r' || c == '\n' || c == 0);
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    static boolean isAscii(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }
}
