// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.delivery.Recipient;
import org.postern.transport.delivery.MessageCopier.Envelope;
import org.postern.transport.delivery.MessageCopier.Format;
import org.postern.transport.delivery.MessageCopier.FromLine;

class MessageCopierTest {

    private static final ZonedDateTime NOW = ZonedDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String MESSAGE = "Subject: hi\r\n\r\nFrom here\r\n.dot\r\nlast";

    private static String copy(Set<CopyFlag> flags, Envelope envelope, Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageCopier.copy(new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)), out, flags, envelope,
                NOW, format);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void mailboxFormatShouldWriteMailCopysFromLineAndQuoteFrom() throws IOException {
        String copy = copy(EnumSet.of(CopyFlag.FROM_LINE, CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT,
                CopyFlag.DELIVERED_TO, CopyFlag.QUOTE_FROM, CopyFlag.BLANK_LINE),
                new Envelope("", "", "Joe@Example.COM"), Format.MAILBOX);

        assertThat(copy).isEqualTo("From MAILER-DAEMON  Thu Jan  1 00:00:00 2026\nReturn-Path: <>\n"
                + "Delivered-To: joe@example.com\nSubject: hi\n\n>From here\n.dot\nlast\n\n");
    }

    @Test
    void pipeFormatShouldWriteTheSenderAsGivenAndItsOwnLineEnd() throws IOException {
        String copy = copy(EnumSet.of(CopyFlag.FROM_LINE, CopyFlag.ORIGINAL_RECIPIENT, CopyFlag.DOT_STUFF,
                CopyFlag.BLANK_LINE), new Envelope("", "old@example.com", ""), new Format("\r\n", FromLine.AS_GIVEN));

        assertThat(copy).isEqualTo("From  Thu Jan  1 00:00:00 2026\r\nX-Original-To: old@example.com\r\n"
                + "Subject: hi\r\n\r\nFrom here\r\n..dot\r\nlast\r\n\r\n");
    }

    @Test
    void lineEndCharactersShouldBeWrittenAsSingleBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageCopier.copy(new ByteArrayInputStream("a\r\nb".getBytes(StandardCharsets.US_ASCII)), out,
                EnumSet.of(CopyFlag.RETURN_PATH), new Envelope("s@example.org", "", ""), NOW,
                new Format("\u00ff", FromLine.AS_GIVEN));

        assertThat(out.toByteArray()).isEqualTo("Return-Path: <s@example.org>\u00ffa\u00ffb\u00ff"
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void originalRecipientShouldDecodeAnRfc822Orcpt() {
        assertThat(MessageCopier.originalRecipient(new Recipient("a@example.com", "rfc822;b+2Bc@example.com", Set.of())))
                .isEqualTo("b+c@example.com");
        assertThat(MessageCopier.originalRecipient(new Recipient("a@example.com", "", Set.of())))
                .isEqualTo("a@example.com");
    }
}
