// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;

/**
 * SUMMARY   The message of one request as the client sends it: envelope facts and content.
 * DESCRIPTION
 *   One pass over the content at the start finds 8-bit bytes in the header and in the body,
 *   which decide BODY=8BITMIME, the 7bit downgrade and whether SMTPUTF8 is required.
 *   The message "is 8bit" when the queue says body=8BITMIME or the body has 8-bit bytes.
 *   SMTPUTF8 is required when an envelope address is not ASCII, or when the sender asked
 *   for SMTPUTF8 and the header has non-ASCII text (Postfix's rule: the sender's request
 *   alone does not require it).
 */
final class OutgoingMessage {

    private final String sender;
    private final MessageContent content;
    private final boolean declared8bit;
    private final boolean body8bit;
    private final boolean header8bit;
    private final boolean smtputf8Requested;
    private final boolean envelopeUtf8;
    private final String envid;
    private final String ret;

    private OutgoingMessage(DeliveryRequest request, boolean header8bit, boolean body8bit) {
        this.sender = request.sender();
        this.content = request.content();
        this.declared8bit = "8BITMIME".equalsIgnoreCase(request.attributes().getOrDefault("body", ""));
        this.header8bit = header8bit;
        this.body8bit = body8bit;
        this.smtputf8Requested = "true".equalsIgnoreCase(request.attributes().getOrDefault("smtputf8", ""))
                || "yes".equalsIgnoreCase(request.attributes().getOrDefault("smtputf8", ""));
        this.envelopeUtf8 = !isAscii(request.sender()) || request.recipients().stream().anyMatch(r -> !isAscii(r.address()));
        this.envid = request.attributes().getOrDefault("dsn_envid", "");
        this.ret = request.attributes().getOrDefault("dsn_ret", "").toUpperCase(Locale.ROOT);
    }

    /** Reads the content once to classify it. */
    static OutgoingMessage of(DeliveryRequest request) throws IOException {
        boolean inHeader = true;
        boolean header8bit = false;
        boolean body8bit = false;
        int lineLength = 0;
        try (InputStream in = new BufferedInputStream(request.content().open(), 65536)) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0 && !body8bit) {
                for (int i = 0; i < n; i++) {
                    int c = buffer[i] & 0xff;
                    if (c == '\n') {
                        if (lineLength == 0) {
                            inHeader = false;
                        }
                        lineLength = 0;
                    } else if (c != '\r') {
                        lineLength++;
                        if (c >= 0x80) {
                            if (inHeader) {
                                header8bit = true;
                            } else {
                                body8bit = true;
                            }
                        }
                    }
                }
            }
        }
        return new OutgoingMessage(request, header8bit, body8bit);
    }

    String sender() {
        return sender;
    }

    long size() {
        return content.size();
    }

    boolean eightBit() {
        return declared8bit || body8bit;
    }

    boolean body8bit() {
        return body8bit;
    }

    boolean smtputf8Required() {
        return envelopeUtf8 || (smtputf8Requested && header8bit);
    }

    boolean smtputf8Requested() {
        return smtputf8Requested || envelopeUtf8;
    }

    String envid() {
        return envid;
    }

    String ret() {
        return ret.equals("FULL") || ret.equals("HDRS") ? ret : "";
    }

    /** Writes the content in DATA form (dot-stuffed, terminated), downgraded to 7bit when asked. */
    void writeData(OutputStream connection, boolean downgrade) throws IOException {
        DotStuffingOutputStream data = new DotStuffingOutputStream(connection);
        try (InputStream in = content.open()) {
            if (downgrade) {
                MimeDowngrader.downgrade(new BufferedInputStream(in, 65536), data);
            } else {
                in.transferTo(data);
            }
        }
        data.finish();
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
