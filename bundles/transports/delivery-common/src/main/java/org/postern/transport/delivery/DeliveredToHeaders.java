// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.MessageContent;

/**
 * SUMMARY   The Delivered-To: addresses of a message, for mail forwarding loop detection.
 * DESCRIPTION
 *   Reads the primary header section (up to the first empty line) and collects the values of
 *   every Delivered-To: header, lower-cased and stripped of surrounding space. A recipient
 *   found there has been delivered to before: Postfix's local(8), virtual(8) and pipe(8)
 *   (flag D) then bounce with 5.4.6 "mail forwarding loop". How the header is read is the
 *   caller's {@link Reading}: local and virtual unfold continuation lines and remove angle
 *   brackets; pipe looks at each physical line as it is written.
 * SECURITY  Headers are untrusted; they are only compared with recipient addresses. In
 *   {@link Reading#PHYSICAL_LINES} a line is cut at 8192 bytes.
 */
public final class DeliveredToHeaders {

    /** How the header section is read. */
    public enum Reading {
        /** local(8), virtual(8): folded headers joined, the value's angle brackets removed. */
        UNFOLDED,
        /** pipe(8): each physical header line on its own (UTF-8), the value as written. */
        PHYSICAL_LINES
    }

    private static final int LINE_LIMIT = 8192;

    private final Set<String> addresses;
    private final Reading reading;

    private DeliveredToHeaders(Set<String> addresses, Reading reading) {
        this.addresses = addresses;
        this.reading = reading;
    }

    /** The Delivered-To: addresses of {@code content}, read {@link Reading#UNFOLDED}. */
    public static DeliveredToHeaders read(MessageContent content) throws IOException {
        return read(content, Reading.UNFOLDED);
    }

    public static DeliveredToHeaders read(MessageContent content, Reading reading) throws IOException {
        Set<String> found = new HashSet<>();
        try (InputStream in = content.open()) {
            switch (reading) {
                case UNFOLDED -> readUnfolded(in, found);
                case PHYSICAL_LINES -> readPhysicalLines(in, found);
                default -> throw new IllegalArgumentException(reading.name());
            }
        }
        return new DeliveredToHeaders(found, reading);
    }

    /** True when the message was already delivered to {@code address} (case-insensitive). */
    public boolean contains(String address) {
        return addresses.contains(reading == Reading.UNFOLDED ? normalize(address) : address.toLowerCase(Locale.ROOT));
    }

    private static void readUnfolded(InputStream content, Set<String> found) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(content, StandardCharsets.ISO_8859_1));
        StringBuilder header = null;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            if ((line.startsWith(" ") || line.startsWith("\t")) && header != null) {
                header.append(line);
                continue;
            }
            collect(header, found);
            header = new StringBuilder(line);
        }
        collect(header, found);
    }

    private static void collect(StringBuilder header, Set<String> found) {
        if (header == null) {
            return;
        }
        int colon = header.indexOf(":");
        if (colon > 0 && header.substring(0, colon).strip().equalsIgnoreCase("Delivered-To")) {
            found.add(normalize(header.substring(colon + 1)));
        }
    }

    private static String normalize(String address) {
        String a = address.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1).strip();
        }
        return a.toLowerCase(Locale.ROOT);
    }

    private static void readPhysicalLines(InputStream content, Set<String> found) throws IOException {
        InputStream in = new BufferedInputStream(content, 16 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (true) {
            int c = in.read();
            if (c != '\n' && c >= 0) {
                if (line.size() < LINE_LIMIT) {
                    line.write(c);
                }
                continue;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                return; // end of header
            }
            int colon = text.indexOf(':');
            if (colon > 0 && text.substring(0, colon).strip().equalsIgnoreCase("Delivered-To")) {
                found.add(text.substring(colon + 1).strip().toLowerCase(Locale.ROOT));
            }
            if (c < 0) {
                return;
            }
            line.reset();
        }
    }
}
