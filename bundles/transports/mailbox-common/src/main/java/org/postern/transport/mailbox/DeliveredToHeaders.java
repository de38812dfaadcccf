// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.mailbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.MessageContent;

/**
 * SUMMARY   The Delivered-To: addresses of a message, for mail forwarding loop detection.
 * DESCRIPTION
 *   Reads the primary header section (up to the first empty line), unfolds continuation
 *   lines, and collects the values of every Delivered-To: header, lower-cased, angle
 *   brackets and surrounding space removed. A recipient found there has been delivered to
 *   before: Postfix's local(8) and virtual(8) then bounce with 5.4.6 "mail forwarding loop".
 * SECURITY  Headers are untrusted; they are only compared with recipient addresses.
 */
public final class DeliveredToHeaders {

    private final Set<String> addresses;

    private DeliveredToHeaders(Set<String> addresses) {
        this.addresses = addresses;
    }

    public static DeliveredToHeaders read(MessageContent content) throws IOException {
        Set<String> found = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(content.open(), StandardCharsets.ISO_8859_1))) {
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
        return new DeliveredToHeaders(found);
    }

    /** True when the message was already delivered to {@code address} (case-insensitive). */
    public boolean contains(String address) {
        return addresses.contains(normalize(address));
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
}
