// SPDX-License-Identifier: Apache-2.0
package org.postern.core.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.DictFlag;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;

/**
 * SUMMARY   The ordered lookup keys access(5) tries for an address, a host name or an IP address.
 * DESCRIPTION
 *   E-mail address user+ext@sub.example.com, in order (smtpd_check.c check_mail_access()):
 *   user+ext@sub.example.com, user@sub.example.com (only with a recipient delimiter),
 *   sub.example.com and its parents, user+ext@, user@ (only with a delimiter).
 *   Parents: with parent_domain_matches_subdomains listing smtpd_access_maps, example.com and
 *   com; otherwise .example.com and .com. The full domain is always tried first, without a dot.
 *   A numeric domain (an IP address) has no parents.
 *   Delimiters: any character of recipient_delimiter starts the extension; postmaster,
 *   MAILER-DAEMON and double-bounce are never split, nor owner-* and *-request when "-" is a
 *   delimiter, nor a local part that would become empty (Postfix split_addr()).
 *   Host name: the name and its parents as above.
 *   IPv4: 192.0.2.1, 192.0.2, 192.0, 192 (truncate the last ".octet").
 *   IPv6: the address in inet_ntop()'s compressed form, then that text truncated at the last
 *   ":" again and again, exactly as access(5) and smtpd do: 2001:db8::1 gives 2001:db8::1,
 *   2001:db8:, 2001:db8, 2001. Input in any valid form (uncompressed, leading zeros, upper
 *   case) is first rewritten to the compressed form, and an IPv4-mapped address
 *   (::ffff:192.0.2.1) yields the IPv4 keys, since smtpd sees such clients as IPv4.
 *   Partial keys (everything after the first key) are only for tables of fixed strings:
 *   given a table's flags, a PATTERN table (regexp, pcre, cidr) gets only the full key.
 * SECURITY  All input is untrusted (MAIL FROM, RCPT TO, HELO, client address); nothing is
 *           resolved, and empty keys are never produced.
 * BUGS      Postfix tries partial keys only when a table reports FIXED; Postern also tries them
 *           for a table that reports neither FIXED nor PATTERN. Keys are not case-folded here:
 *           tables opened with FOLD_CASE fold them. The IPv6 truncation inherits Postfix's
 *           oddity of keys ending in ":" (2001:db8:), which match only tables written that way.
 * SEE ALSO  Postfix access(5), postconf(5) parent_domain_matches_subdomains, recipient_delimiter.
 */
public final class AccessKeys {

    private AccessKeys() {
    }

    /** True when a table with these flags may be asked for partial keys: it does not report PATTERN. */
    public static boolean partialKeysAllowed(Set<DictFlag> tableFlags) {
        return !tableFlags.contains(DictFlag.PATTERN);
    }

    /** Keys for an e-mail address, for a table of fixed strings. See the class comment for the order. */
    public static List<String> forAddress(String address, String recipientDelimiters, boolean parentMatchesSubdomains) {
        int at = address.lastIndexOf('@');
        List<String> keys = new ArrayList<>();
        keys.add(address);
        if (at < 0) {
            return List.copyOf(keys);
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        String bareLocal = stripExtension(local, recipientDelimiters == null ? "" : recipientDelimiters);
        if (bareLocal != null) {
            keys.add(bareLocal + "@" + domain);
        }
        keys.addAll(domainKeys(domain, parentMatchesSubdomains));
        keys.add(local + "@");
        if (bareLocal != null) {
            keys.add(bareLocal + "@");
        }
        return keys.stream().distinct().toList();
    }

    /** As {@link #forAddress(String, String, boolean)}, cut to the full key for a PATTERN table. */
    public static List<String> forAddress(String address, String recipientDelimiters, boolean parentMatchesSubdomains,
            Set<DictFlag> tableFlags) {
        return partialKeysAllowed(tableFlags) ? forAddress(address, recipientDelimiters, parentMatchesSubdomains)
                : List.of(address);
    }

    /** Keys for a host name (client name, HELO, MX/NS host): the name, then its parent domains. */
    public static List<String> forHostName(String name, boolean parentMatchesSubdomains) {
        List<String> keys = domainKeys(name, parentMatchesSubdomains);
        return keys.isEmpty() ? List.of(name) : keys;
    }

    /** As {@link #forHostName(String, boolean)}, cut to the full name for a PATTERN table. */
    public static List<String> forHostName(String name, boolean parentMatchesSubdomains, Set<DictFlag> tableFlags) {
        return partialKeysAllowed(tableFlags) ? forHostName(name, parentMatchesSubdomains) : List.of(name);
    }

    /**
     * Keys for an IPv4 or IPv6 address ("[...]" allowed), first the address in canonical form,
     * then its shorter network prefixes.
     *
     * @throws IllegalArgumentException when the text is not an IP address
     */
    public static List<String> forHostAddress(String address) {
        String canonical = canonicalAddress(address);
        char delimiter = canonical.indexOf(':') >= 0 ? ':' : '.';
        List<String> keys = new ArrayList<>();
        for (String key = canonical; ; ) {
            if (!key.isEmpty()) {
                keys.add(key);
            }
            int cut = key.lastIndexOf(delimiter);
            if (cut < 0) {
                break;
            }
            key = key.substring(0, cut);
        }
        return List.copyOf(keys);
    }

    /** As {@link #forHostAddress(String)}, cut to the full address for a PATTERN table. */
    public static List<String> forHostAddress(String address, Set<DictFlag> tableFlags) {
        List<String> keys = forHostAddress(address);
        return partialKeysAllowed(tableFlags) ? keys : keys.subList(0, 1);
    }

    /**
     * The address as smtpd writes a client address: dotted quad, or inet_ntop()'s compressed
     * IPv6 form; IPv4-mapped IPv6 becomes IPv4.
     *
     * @throws IllegalArgumentException when the text is not an IP address
     */
    public static String canonicalAddress(String address) {
        String text = address.strip();
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.regionMatches(true, 0, "ipv6:", 0, 5)) {
            text = text.substring(5);
        }
        byte[] bytes = IpAddresses.parse(text);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: \"" + LogText.printable(address) + "\"");
        }
        if (bytes.length == 16 && isIpv4Mapped(bytes)) {
            bytes = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        }
        return IpAddresses.format(bytes);
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** check_domain_access(): the domain, then parents as "parent" or ".parent". */
    private static List<String> domainKeys(String domain, boolean parentMatchesSubdomains) {
        List<String> keys = new ArrayList<>();
        if (domain.isEmpty()) {
            return keys;
        }
        keys.add(domain);
        if (IpAddresses.parse(domain) != null) {
            return keys;                    // no subdomain magic for numerical host names
        }
        String name = domain;
        while (true) {
            int dot = name.indexOf('.', 1);
            if (dot < 0) {
                break;
            }
            name = parentMatchesSubdomains ? name.substring(dot + 1) : name.substring(dot);
            if (name.isEmpty()) {
                break;
            }
            keys.add(name);
        }
        return keys;
    }

    /** split_addr(): the local part without its extension, or null when it has none or must not be split. */
    static String stripExtension(String local, String delimiters) {
        if (delimiters.isEmpty()) {
            return null;
        }
        String lower = local.toLowerCase(Locale.ROOT);
        if (lower.equals("postmaster") || lower.equals("mailer-daemon") || lower.equals("double-bounce")) {
            return null;
        }
        if (delimiters.indexOf('-') >= 0 && (lower.startsWith("owner-") || (lower.length() > 8 && lower.endsWith("-request")))) {
            return null;
        }
        int cut = 0;
        while (cut < local.length() && delimiters.indexOf(local.charAt(cut)) < 0) {
            cut++;
        }
        if (cut == 0 || cut == local.length()) {
            return null;
        }
        return local.substring(0, cut);
    }

}
