// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import io.netty.util.NetUtil;

/**
 * SUMMARY   RFC 5321 section 4.1.2 Reverse-path / Forward-path syntax, with RFC 6531 (SMTPUTF8)
 *           non-ASCII atext, qtext and U-labels.
 * DESCRIPTION
 *   Accepts {@code <>} (reverse-path only), {@code <mailbox>}, {@code <@a,@b:mailbox>} (the source
 *   route is ignored, RFC 5321 section 3.3 and appendix C), and, like Postfix with
 *   strict_rfc821_envelopes = no, a mailbox without angle brackets. As in Postfix, the domain is
 *   optional ({@code <postmaster>}, RFC 5321 section 4.5.1); reject_non_fqdn_* decide later.
 *   The address is returned as written (quoted local parts keep their quotes).
 * SECURITY  Input is the client's command line. Control characters are refused everywhere.
 * BUGS      The RFC 5321 section 4.5.3.1 length limits (64/255/256) are not enforced (Postfix
 *           does not either).
 */
final class PathParser {

    /**
     * A parsed path: the address as written, the index after it, whether it has non-ASCII, and
     * whether it was enclosed in angle brackets (strict_rfc821_envelopes asks for them).
     */
    record Path(String address, int end, boolean nonAscii, boolean bracketed) {
    }

    /** RFC 1035 section 2.3.4: at most 63 octets a label, 255 a name (Postfix's valid_hostname). */
    private static final int LABEL_LIMIT = 63;
    private static final int DOMAIN_LIMIT = 255;

    private final String s;
    private int pos;
    private boolean nonAscii;

    private PathParser(String s, int pos) {
        this.s = s;
        this.pos = pos;
    }

    /** Parses a path at {@code pos}; null when the syntax is bad. */
    static Path parse(String s, int pos, boolean allowNull) {
        PathParser p = new PathParser(s, pos);
        return p.path(allowNull);
    }

    private Path path(boolean allowNull) {
        if (peek() == '<') {
            pos++;
            if (peek() == '>') {
                pos++;
                return allowNull && atEndOfPath() ? new Path("", pos, false, true) : null;
            }
            if (peek() == '@' && !sourceRoute()) {
                return null;
            }
            int start = pos;
            if (!mailbox()) {
                return null;
            }
            int end = pos;
            skipTrailingDot();
            if (peek() != '>') {
                return null;
            }
            pos++;
            // "<a@b>SIZE=1" is not a path followed by a parameter (Postfix: bad address syntax).
            return atEndOfPath() ? new Path(unneededQuotesRemoved(s.substring(start, end)), pos, nonAscii, true)
                    : null;
        }
        int start = pos;
        if (!mailbox()) {
            return null;
        }
        int end = pos;
        skipTrailingDot();
        if (!atEndOfPath()) {
            return null;
        }
        return new Path(unneededQuotesRemoved(s.substring(start, end)), pos, nonAscii, false);
    }

    /**
     * {@code "postmaster"@example.com} is {@code postmaster@example.com}: quotes around a local
     * part that is a plain dot-string are dropped, so lookups and the special local parts see the
     * address Postfix's internal form would give. Quotes that are needed stay.
     */
    private static String unneededQuotesRemoved(String address) {
        if (!address.startsWith("\"")) {
            return address;
        }
        int close = address.lastIndexOf('"');
        if (close <= 1 || address.indexOf('\\') >= 0) {
            return address;
        }
        String local = address.substring(1, close);
        PathParser plain = new PathParser(local, 0);
        if (!plain.dotString() || plain.pos != local.length()) {
            return address;
        }
        return local + address.substring(close + 1);
    }

    private boolean atEndOfPath() {
        return pos >= s.length() || s.charAt(pos) == ' ';
    }

    /** Postfix accepts and drops one dot after the domain ("user@example.com."). */
    private void skipTrailingDot() {
        if (peek() == '.' && pos > 0 && s.charAt(pos - 1) != '@') {
            pos++;
        }
    }

    // A-d-l = At-domain *( "," At-domain ) ":" ; At-domain = "@" Domain
    private boolean sourceRoute() {
        do {
            if (peek() != '@') {
                return false;
            }
            pos++;
            if (!domain()) {
                return false;
            }
        } while (peek() == ',' && ++pos > 0);
        if (peek() != ':') {
            return false;
        }
        pos++;
        return true;
    }

    // Mailbox = Local-part [ "@" ( Domain / address-literal ) ]   (domain optional as in Postfix)
    private boolean mailbox() {
        if (!(peek() == '"' ? quotedString() : dotString())) {
            return false;
        }
        if (peek() == '@') {
            pos++;
            return peek() == '[' ? addressLiteral() : domain();
        }
        return true;
    }

    // Dot-string = Atom *("." Atom)
    private boolean dotString() {
        if (!atom()) {
            return false;
        }
        while (peek() == '.') {
            pos++;
            if (!atom()) {
                return false;
            }
        }
        return true;
    }

    private boolean atom() {
        int start = pos;
        while (pos < s.length() && isAtext(s.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    private boolean isAtext(char c) {
        if (c >= 0x80) {
            nonAscii = true;
            return !Character.isISOControl(c) && !Character.isWhitespace(c);
        }
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    // Quoted-string = DQUOTE *QcontentSMTP DQUOTE ; qtextSMTP = %d32-33 / %d35-91 / %d93-126
    // quoted-pairSMTP = %d92 %d32-126
    private boolean quotedString() {
        pos++;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '"') {
                pos++;
                return true;
            }
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    return false;
                }
                char q = s.charAt(pos + 1);
                if (q < 32 || q > 126) {
                    return false;
                }
                pos += 2;
                continue;
            }
            if (c >= 0x80) {
                if (Character.isISOControl(c)) {
                    return false;
                }
                nonAscii = true;
            } else if (c < 32 || c > 126) {
                return false;
            }
            pos++;
        }
        return false;
    }

    // Domain = sub-domain *("." sub-domain) ; sub-domain = Let-dig [Ldh-str] (or a U-label)
    private boolean domain() {
        int start = pos;
        if (!subDomain()) {
            return false;
        }
        while (peek() == '.' && pos + 1 < s.length() && s.charAt(pos + 1) != '>' && s.charAt(pos + 1) != ' ') {
            pos++;
            if (!subDomain()) {
                return false;
            }
        }
        return pos - start <= DOMAIN_LIMIT;
    }

    private boolean subDomain() {
        int start = pos;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            boolean letDig = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (c >= 0x80 && !Character.isISOControl(c) && !Character.isWhitespace(c)) {
                nonAscii = true;
                letDig = true;
            }
            if (!letDig && !(c == '-' && pos > start)) {
                break;
            }
            pos++;
        }
        return pos > start && pos - start <= LABEL_LIMIT && s.charAt(pos - 1) != '-';
    }

    // address-literal = "[" ( IPv4-address-literal / IPv6-address-literal / General-address-literal ) "]"
    private boolean addressLiteral() {
        int close = s.indexOf(']', pos);
        if (close < 0) {
            return false;
        }
        String inner = s.substring(pos + 1, close);
        boolean ok;
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            ok = NetUtil.isValidIpV6Address(inner.substring(5));
        } else if (!inner.isEmpty() && Character.isDigit(inner.charAt(0))) {
            ok = NetUtil.isValidIpV4Address(inner);
        } else {
            ok = generalLiteral(inner);
        }
        if (ok) {
            pos = close + 1;
        }
        return ok;
    }

    // General-address-literal = Standardized-tag ":" 1*dcontent ; dcontent = %d33-90 / %d94-126
    private static boolean generalLiteral(String inner) {
        int colon = inner.indexOf(':');
        if (colon <= 0 || colon == inner.length() - 1) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = inner.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '-')) {
                return false;
            }
        }
        for (int i = colon + 1; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c < 33 || c > 126 || c == '[' || c == '\\' || c == ']') {
                return false;
            }
        }
        return true;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }
}
