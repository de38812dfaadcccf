// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.util.Locale;

/**
 * smtpd_forbid_bare_newline (Postfix 3.7.11 semantics).
 * <ul>
 * <li>{@link #NO}: a bare LF ends a line like CRLF, also in the end-of-data sequence
 *     (backwards compatible, vulnerable to SMTP smuggling).</li>
 * <li>{@link #NORMALIZE} ("yes" is an alias): a bare LF ends a line like CRLF, but DATA ends only
 *     at CRLF "." CRLF.</li>
 * <li>{@link #REJECT}: a bare LF in a command or in content is refused; DATA ends only at
 *     CRLF "." CRLF.</li>
 * </ul>
 * A bare CR is never a line end in any mode; it is content.
 */
public enum BareNewlinePolicy {
    NO, NORMALIZE, REJECT;

    public static BareNewlinePolicy parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "":
            case "no":
                return NO;
            case "yes":
            case "normalize":
                return NORMALIZE;
            case "reject":
                return REJECT;
            default:
                throw new IllegalArgumentException("bad smtpd_forbid_bare_newline value: " + value);
        }
    }

    /** True when only CRLF "." CRLF ends DATA. */
    public boolean strictEndOfData() {
        return this != NO;
    }
}
