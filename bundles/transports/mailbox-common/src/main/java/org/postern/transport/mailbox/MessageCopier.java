// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.mailbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;

/**
 * SUMMARY   Copies a queued message into a mailbox, maildir file or command (Postfix mail_copy).
 * DESCRIPTION
 *   Writes, as {@link CopyFlag}s ask: the mbox "From " line ("From sender  asctime", with
 *   MAILER-DAEMON for the null sender), Return-Path:, X-Original-To:, Delivered-To: (lower
 *   case), then the message with its CRLF line ends turned into LF, lines starting with
 *   "From " quoted as "&gt;From ", a final newline if the message lacks one, and an empty
 *   line after it.
 * SECURITY  The message is untrusted; it is copied, never interpreted. Lines may be of any
 *   length (a line is held in memory while it is copied).
 * BUGS      Addresses are written as they come, without RFC 5322 quoting of odd local parts.
 */
public final class MessageCopier {

    /** The null sender in the "From " line, as Postfix writes it. */
    public static final String MAILER_DAEMON = "MAILER-DAEMON";

    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final byte[] FROM_ = "From ".getBytes(StandardCharsets.US_ASCII);

    /**
     * What the prepended lines say.
     *
     * @param sender            envelope sender, "" for the null sender
     * @param originalRecipient the recipient before rewriting (X-Original-To:), "" when unknown
     * @param deliveredTo       the address delivered to (Delivered-To:)
     */
    public record Envelope(String sender, String originalRecipient, String deliveredTo) {
    }

    private MessageCopier() {
    }

    /** The lines Postfix prepends, ending each with {@code eol} ("\n" for files, "\r\n" to queue again). */
    public static byte[] prependedLines(Set<CopyFlag> flags, Envelope envelope, ZonedDateTime now, String eol) {
        StringBuilder b = new StringBuilder();
        if (flags.contains(CopyFlag.FROM_LINE)) {
            String from = envelope.sender().isEmpty() ? MAILER_DAEMON : envelope.sender();
            b.append("From ").append(from).append("  ").append(ASCTIME.format(now)).append(eol);
        }
        if (flags.contains(CopyFlag.RETURN_PATH)) {
            b.append("Return-Path: <").append(envelope.sender()).append('>').append(eol);
        }
        if (flags.contains(CopyFlag.ORIGINAL_RECIPIENT) && !envelope.originalRecipient().isEmpty()) {
            b.append("X-Original-To: ").append(envelope.originalRecipient()).append(eol);
        }
        if (flags.contains(CopyFlag.DELIVERED_TO)) {
            b.append("Delivered-To: ").append(envelope.deliveredTo().toLowerCase(Locale.ROOT)).append(eol);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What X-Original-To: says: the ORCPT address when it is of type rfc822 (xtext decoded),
     * else the recipient address itself.
     */
    public static String originalRecipient(Recipient recipient) {
        String orcpt = recipient.originalRecipient();
        int semi = orcpt.indexOf(';');
        if (semi < 0 || !orcpt.substring(0, semi).strip().equalsIgnoreCase("rfc822")) {
            return recipient.address();
        }
        String xtext = orcpt.substring(semi + 1).strip();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+' && i + 2 < xtext.length()) {
                try {
                    b.append((char) Integer.parseInt(xtext.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (NumberFormatException e) {
                    // not xtext: keep the "+"
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Writes the prepended lines and the message to {@code out} (not closed, not flushed). */
    public static void copy(MessageContent content, OutputStream out, Set<CopyFlag> flags, Envelope envelope,
                            ZonedDateTime now) throws IOException {
        out.write(prependedLines(flags, envelope, now, "\n"));
        boolean quote = flags.contains(CopyFlag.QUOTE_FROM);
        try (InputStream in = new BufferedInputStream(content.open(), 65536)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    writeLine(out, line, quote);
                } else {
                    line.write(c);
                }
            }
            if (line.size() > 0) {
                writeLine(out, line, quote);
            }
        }
        if (flags.contains(CopyFlag.BLANK_LINE)) {
            out.write('\n');
        }
    }

    /** One line without its CR, quoted if it starts with "From ", and LF. */
    private static void writeLine(OutputStream out, ByteArrayOutputStream line, boolean quote) throws IOException {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (quote && startsWithFrom(bytes, length)) {
            out.write('>');
        }
        out.write(bytes, 0, length);
        out.write('\n');
        line.reset();
    }

    private static boolean startsWithFrom(byte[] bytes, int length) {
        if (length < FROM_.length) {
            return false;
        }
        for (int i = 0; i < FROM_.length; i++) {
            if (bytes[i] != FROM_[i]) {
                return false;
            }
        }
        return true;
    }
}
