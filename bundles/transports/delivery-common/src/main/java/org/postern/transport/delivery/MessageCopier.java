// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

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
 *   Writes, as {@link CopyFlag}s ask: the mbox "From " line, Return-Path:, X-Original-To:,
 *   Delivered-To: (lower case), then the message with each CRLF (or LF) line end replaced by
 *   the format's line end, "." prepended to lines starting with "." (dot-stuffing), lines
 *   starting with "From " quoted as "&gt;From ", a final line end if the message lacks one,
 *   and an empty line after it. {@link Format#MAILBOX} is what local(8) and virtual(8) write
 *   into files and commands; pipe(8) gives its eol= text and its own "From " line
 *   ({@link FromLine#AS_GIVEN}).
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

    /** How the mbox "From " line is written. */
    public enum FromLine {
        /** Postfix mail_copy(): "From sender  asctime" (two spaces), MAILER-DAEMON for the null sender. */
        MAIL_COPY,
        /** pipe(8) today: "From sender asctime" (one space), the sender as given (null_sender= already applied). */
        AS_GIVEN
    }

    /**
     * How the copy is laid out.
     *
     * @param eol      the line end of every written line (its characters are written as bytes 0-255)
     * @param fromLine how the "From " line looks
     */
    public record Format(String eol, FromLine fromLine) {
        /** Files, maildirs and local(8) commands: LF line ends, mail_copy's "From " line. */
        public static final Format MAILBOX = new Format("\n", FromLine.MAIL_COPY);
    }

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
        return prependedLines(flags, envelope, now, new Format(eol, FromLine.MAIL_COPY));
    }

    private static byte[] prependedLines(Set<CopyFlag> flags, Envelope envelope, ZonedDateTime now, Format format) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(256);
        byte[] eol = format.eol().getBytes(StandardCharsets.ISO_8859_1);
        if (flags.contains(CopyFlag.FROM_LINE)) {
            String line = switch (format.fromLine()) {
                case MAIL_COPY -> "From " + (envelope.sender().isEmpty() ? MAILER_DAEMON : envelope.sender())
                        + "  " + ASCTIME.format(now);
                case AS_GIVEN -> "From " + envelope.sender() + " " + ASCTIME.format(now);
            };
            b.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            b.writeBytes(eol);
        }
        if (flags.contains(CopyFlag.RETURN_PATH)) {
            b.writeBytes(("Return-Path: <" + envelope.sender() + ">").getBytes(StandardCharsets.UTF_8));
            b.writeBytes(eol);
        }
        if (flags.contains(CopyFlag.ORIGINAL_RECIPIENT) && !envelope.originalRecipient().isEmpty()) {
            b.writeBytes(("X-Original-To: " + envelope.originalRecipient()).getBytes(StandardCharsets.UTF_8));
            b.writeBytes(eol);
        }
        if (flags.contains(CopyFlag.DELIVERED_TO)) {
            b.writeBytes(("Delivered-To: " + envelope.deliveredTo().toLowerCase(Locale.ROOT))
                    .getBytes(StandardCharsets.UTF_8));
            b.writeBytes(eol);
        }
        return b.toByteArray();
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

    /** Writes the prepended lines and the message in {@link Format#MAILBOX} to {@code out} (not closed, not flushed). */
    public static void copy(MessageContent content, OutputStream out, Set<CopyFlag> flags, Envelope envelope,
                            ZonedDateTime now) throws IOException {
        try (InputStream in = content.open()) {
            copy(in, out, flags, envelope, now, Format.MAILBOX);
        }
    }

    /** Writes the prepended lines and the message read from {@code content} to {@code out} (neither closed). */
    public static void copy(InputStream content, OutputStream out, Set<CopyFlag> flags, Envelope envelope,
                            ZonedDateTime now, Format format) throws IOException {
        out.write(prependedLines(flags, envelope, now, format));
        byte[] eol = format.eol().getBytes(StandardCharsets.ISO_8859_1);
        boolean dot = flags.contains(CopyFlag.DOT_STUFF);
        boolean quote = flags.contains(CopyFlag.QUOTE_FROM);
        InputStream in = new BufferedInputStream(content, 65536);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                writeLine(out, line, eol, dot, quote);
            } else {
                line.write(c);
            }
        }
        if (line.size() > 0) {
            writeLine(out, line, eol, dot, quote);
        }
        if (flags.contains(CopyFlag.BLANK_LINE)) {
            out.write(eol);
        }
    }

    /** One line without its CR, dot-stuffed or quoted as asked, and the line end. */
    private static void writeLine(OutputStream out, ByteArrayOutputStream line, byte[] eol, boolean dot,
                                  boolean quote) throws IOException {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        if (dot && length > 0 && bytes[0] == '.') {
            out.write('.');
        }
        if (quote && startsWithFrom(bytes, length)) {
            out.write('>');
        }
        out.write(bytes, 0, length);
        out.write(eol);
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
