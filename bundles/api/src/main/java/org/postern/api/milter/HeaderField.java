// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One message header as received: the name before the colon and the value after it, byte for
 * byte, its leading space kept and continuation lines joined by "\n" (no final line end), as
 * Postfix's cleanup hands them to a milter. DKIM's simple canonicalization depends on the bytes.
 */
public record HeaderField(String name, byte[] value) {

    public HeaderField {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** The value decoded as ISO-8859-1 (bytes kept one to one). */
    public String valueText() {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    public static HeaderField of(String name, String value) {
        return new HeaderField(name, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeaderField h && h.name.equals(name) && Arrays.equals(h.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + ":" + valueText();
    }
}
