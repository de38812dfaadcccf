// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.message.BodyType;

/**
 * SUMMARY   The message of one request as the client sends it: envelope facts and content.
 * DESCRIPTION
 *   One pass over the content at the start finds 8-bit bytes in the header and in the body,
 *   which decide BODY=8BITMIME, the 7bit downgrade and whether SMTPUTF8 is required.
 *   The message "is 8bit" when the queue says body=8BITMIME or the body has 8-bit bytes.
 *   SMTPUTF8 is required when an envelope address is not ASCII, or when the sender asked
 *   for SMTPUTF8 and the header has non-ASCII text (Postfix's rule: the sender's request
 *   alone does not require it).
 *   With smtp_generic_maps (lmtp_generic_maps), the envelope sender and recipients and the
 *   primary header's addresses are mapped here, before any connection: a table that fails
 *   fails the whole message (the caller defers it), so nothing leaves unmapped. The mapped
 *   header replaces the original one while the content streams out; SIZE= counts it.
 */
final class OutgoingMessage {

    private static final Pattern TLS_REQUIRED_NO = Pattern.compile("(?i)tls-required:[ \t]*no[ \t]*");

    private final String sender;
    private final Map<Recipient, String> recipients;
    private final MessageContent content;
    private final GenericHeader.Result header;
    private final boolean declared8bit;
    private final boolean body8bit;
    private final boolean header8bit;
    private final boolean tlsRequiredNo;
    private final boolean requireTls;
    private final boolean smtputf8Requested;
    private final boolean envelopeUtf8;
    private final String envid;
    private final String ret;

    private OutgoingMessage(DeliveryRequest request, String sender, Map<Recipient, String> recipients,
                            GenericHeader.Result header, boolean header8bit, boolean body8bit, boolean tlsRequiredNo) {
        this.tlsRequiredNo = tlsRequiredNo;
        this.requireTls = request.facts().requireTls();
        this.sender = sender;
        this.recipients = recipients;
        this.content = request.content();
        this.header = header;
        this.declared8bit = request.facts().body() == BodyType.EIGHT_BIT_MIME;
        this.header8bit = header8bit;
        this.body8bit = body8bit;
        this.smtputf8Requested = request.facts().smtputf8();
        this.envelopeUtf8 = !isAscii(sender) || recipients.values().stream().anyMatch(r -> !isAscii(r));
        this.envid = request.facts().dsn().envelopeId();
        this.ret = request.facts().dsn().ret().keyword();
    }

    /** Maps the addresses (when tables are configured), then reads the content once to classify it. */
    static OutgoingMessage of(DeliveryRequest request, GenericMaps generic) throws IOException, ClientTables.Failure {
        String sender = generic.map(request.sender());
        Map<Recipient, String> recipients = new HashMap<>();
        for (Recipient r : request.recipients()) {
            recipients.put(r, generic.map(r.address()));
        }
        GenericHeader.Result header = GenericHeader.Result.UNCHANGED;
        if (!generic.isEmpty()) {
            try (InputStream in = new BufferedInputStream(request.content().open(), 8192)) {
                header = GenericHeader.rewrite(in, generic);
            }
        }
        boolean inHeader = true;
        boolean header8bit = false;
        boolean body8bit = false;
        boolean tlsRequiredNo = false;
        StringBuilder headerLine = new StringBuilder();
        int lineLength = 0;
        try (InputStream in = new BufferedInputStream(open(request.content(), header), 65536)) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0 && !body8bit) {
                for (int i = 0; i < n; i++) {
                    int c = buffer[i] & 0xff;
                    if (c == '\n') {
                        if (lineLength == 0) {
                            inHeader = false;
                        }
                        tlsRequiredNo |= inHeader && TLS_REQUIRED_NO.matcher(headerLine).matches();
                        headerLine.setLength(0);
                        lineLength = 0;
                    } else if (c != '\r') {
                        lineLength++;
                        if (inHeader && headerLine.length() < 64) {
                            headerLine.append((char) c);
                        }
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
        return new OutgoingMessage(request, sender, recipients, header, header8bit, body8bit, tlsRequiredNo);
    }

    /** RFC 8689 section 5: the sender asks that TLS policy failures (DANE, MTA-STS) be ignored. */
    boolean tlsRequiredNo() {
        return tlsRequiredNo && !requireTls();
    }

    /** MAIL FROM's REQUIRETLS was given when the message arrived. */
    boolean requireTls() {
        return requireTls;
    }

    /** The envelope sender to send (mapped). */
    String sender() {
        return sender;
    }

    /** The address to send in RCPT TO for this recipient (mapped). */
    String recipient(Recipient r) {
        return recipients.getOrDefault(r, r.address());
    }

    long size() {
        return header.header() == null ? content.size()
                : content.size() - header.replacedLength() + header.header().length;
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
        try (InputStream in = open(content, header)) {
            if (downgrade) {
                MimeDowngrader.downgrade(new BufferedInputStream(in, 65536), data);
            } else {
                in.transferTo(data);
            }
        }
        data.finish();
    }

    /** The content as it goes out: the mapped header, if any, then the rest as queued. */
    private static InputStream open(MessageContent content, GenericHeader.Result header) throws IOException {
        InputStream in = content.open();
        if (header.header() == null) {
            return in;
        }
        try {
            in.skipNBytes(header.replacedLength());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new SequenceInputStream(new ByteArrayInputStream(header.header()), in);
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }
}
