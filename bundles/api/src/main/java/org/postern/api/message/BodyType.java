// SPDX-License-Identifier: Apache-2.0
package org.postern.api.message;

import java.util.Locale;

/** MAIL FROM BODY= (RFC 6152): what the client declared about the content. */
public enum BodyType {
    /** No BODY= parameter (or not SMTP). */
    UNSPECIFIED(""),
    SEVEN_BIT("7BIT"),
    EIGHT_BIT_MIME("8BITMIME");

    private final String keyword;

    BodyType(String keyword) {
        this.keyword = keyword;
    }

    /** The BODY= keyword, empty for UNSPECIFIED. */
    public String keyword() {
        return keyword;
    }

    /** 7BIT or 8BITMIME in any case; anything else (including empty) is UNSPECIFIED. */
    public static BodyType of(String keyword) {
        String k = keyword == null ? "" : keyword.strip().toUpperCase(Locale.ROOT);
        for (BodyType t : values()) {
            if (t != UNSPECIFIED && t.keyword.equals(k)) {
                return t;
            }
        }
        return UNSPECIFIED;
    }
}
