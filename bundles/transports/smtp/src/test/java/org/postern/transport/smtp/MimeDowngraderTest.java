// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.junit.jupiter.api.Test;

class MimeDowngraderTest {

    private static String downgrade(String message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MimeDowngrader.downgrade(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    private static String qpDecode(String text) throws IOException {
        return new String(new QuotedPrintableInputStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))
                .readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void eightBitTextBodyShouldBecomeQuotedPrintable() throws IOException {
        String out = downgrade("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße = viele\r\nzweite Zeile\r\n");
        assertThat(out).startsWith("Subject: s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        assertThat(qpDecode(out.substring(out.indexOf("\r\n\r\n") + 4))).isEqualTo("Grüße = viele\r\nzweite Zeile\r\n");
    }

    @Test
    void nonMimeMessageShouldGetMimeVersionAndEncoding() throws IOException {
        String out = downgrade("Subject: s\r\n\r\nnaïve\r\n");
        assertThat(out).startsWith("Subject: s\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        assertThat(qpDecode(out.substring(out.indexOf("\r\n\r\n") + 4))).isEqualTo("naïve\r\n");
    }

    @Test
    void multipartShouldKeepStructureAndConvertOnlyEightBitParts() throws IOException {
        String message = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n\r\n"
                + "preamble\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nplain ascii\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nüber\r\n"
                + "--b1--\r\nepilogue\r\n";
        String out = downgrade(message);
        assertThat(out).isEqualTo("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n"
                + "preamble\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nplain ascii\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "=C3=BCber\r\n"
                + "--b1--\r\nepilogue\r\n");
    }

    @Test
    void sevenBitMessageShouldPassUnchanged() throws IOException {
        String message = "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=x\r\n\r\n"
                + "--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x\r\nContent-Type: text/html\r\n\r\n<p>hello</p>\r\n--x--\r\n";
        assertThat(downgrade(message)).isEqualTo(message);
    }
}
