// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.support.IpAddresses;
import org.postern.core.net.HostNames;

/**
 * SUMMARY   The DNS questions of smtpd restrictions: does a mail domain or host exist, what
 *           does a client address's PTR say, is a name or address in a DNS list.
 * DESCRIPTION
 *   Without a resolver every question is a temporary failure, so restrictions that need the
 *   DNS defer (4xx) rather than guess.
 * SECURITY  Names come from the network (MAIL FROM, RCPT TO, HELO) and answers from remote DNS
 *           servers: TXT text is cut to 500 characters and made printable by the caller.
 * SEE ALSO  Postfix dns_lookup(3), smtpd_check.c reject_unknown_mailhost(), rbl_pagein().
 */
final class DnsChecks {

    enum Status { OK, NOT_FOUND, RETRY, NULL_MX }

    /** A DNS list answer: null {@code addresses} means "not listed", {@code soft} a lookup failure. */
    record ListAnswer(boolean soft, List<String> addresses, String txt) {
        static final ListAnswer NOT_LISTED = new ListAnswer(false, null, null);
        static final ListAnswer SOFT = new ListAnswer(true, null, null);

        boolean listed() {
            return addresses != null;
        }
    }

    private final DnsResolver resolver;

    DnsChecks(DnsResolver resolver) {
        this.resolver = resolver;
    }

    DnsResult lookup(String name, DnsRecordType type) {
        if (resolver == null) {
            return new DnsResult.TemporaryFailure("no DNS resolver available");
        }
        try {
            DnsResult r = resolver.lookup(name, type);
            return r != null ? r : new DnsResult.TemporaryFailure("no answer");
        } catch (RuntimeException e) {
            return new DnsResult.TemporaryFailure(String.valueOf(e.getMessage()));
        }
    }

    /** reject_unknown_mailhost(): MX, then A and AAAA; a null MX (". " at preference 0) is NULL_MX. */
    Status mailHost(String domain) {
        DnsResult mx = lookup(domain, DnsRecordType.MX);
        boolean retry = false;
        if (mx instanceof DnsResult.Answer a && !a.records().isEmpty()) {
            if (a.records().size() == 1 && isNullMx(a.records().get(0))) {
                return Status.NULL_MX;
            }
            return Status.OK;
        }
        if (mx instanceof DnsResult.NoSuchDomain) {
            return Status.NOT_FOUND;
        }
        if (mx instanceof DnsResult.TemporaryFailure) {
            retry = true;
        }
        return addresses(domain, retry);
    }

    /** reject_unknown_hostname(): A, AAAA, then MX (a null MX is fine for a host). */
    Status host(String name) {
        Status s = addresses(name, false);
        if (s != Status.NOT_FOUND) {
            return s;
        }
        DnsResult mx = lookup(name, DnsRecordType.MX);
        if (mx instanceof DnsResult.Answer a && !a.records().isEmpty()) {
            return Status.OK;
        }
        return mx instanceof DnsResult.TemporaryFailure ? Status.RETRY : Status.NOT_FOUND;
    }

    private Status addresses(String name, boolean retry) {
        boolean tempfail = retry;
        for (DnsRecordType t : new DnsRecordType[] {DnsRecordType.A, DnsRecordType.AAAA}) {
            DnsResult r = lookup(name, t);
            if (r instanceof DnsResult.Answer a && !a.records().isEmpty()) {
                return Status.OK;
            }
            if (r instanceof DnsResult.TemporaryFailure) {
                tempfail = true;
            }
            if (r instanceof DnsResult.NoSuchDomain && !tempfail) {
                return Status.NOT_FOUND;
            }
        }
        return tempfail ? Status.RETRY : Status.NOT_FOUND;
    }

    private static boolean isNullMx(DnsRecord r) {
        String d = r.data().strip();
        return r.preference() == 0 && (d.isEmpty() || d.equals("."));
    }

    /**
     * The client's host name status as the SMTP server would find it: OK when the PTR name
     * resolves back to the address, NOT_FOUND when there is no such name or it does not match,
     * RETRY on a temporary failure.
     *
     * @param forward false for the reverse name only (reject_unknown_reverse_client_hostname)
     */
    Status clientName(String address, boolean forward) {
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            return Status.NOT_FOUND;
        }
        DnsResult ptr = lookup(reverseName(bytes, "in-addr.arpa", "ip6.arpa"), DnsRecordType.PTR);
        if (ptr instanceof DnsResult.TemporaryFailure) {
            return Status.RETRY;
        }
        if (!(ptr instanceof DnsResult.Answer a) || a.records().isEmpty()) {
            return Status.NOT_FOUND;
        }
        if (!forward) {
            return Status.OK;
        }
        boolean retry = false;
        String want = IpAddresses.format(bytes);
        for (DnsRecord rec : a.records()) {
            String name = HostNames.truncateDot(rec.data().strip());
            DnsRecordType type = bytes.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
            DnsResult fwd = lookup(name, type);
            if (fwd instanceof DnsResult.TemporaryFailure) {
                retry = true;
            } else if (fwd instanceof DnsResult.Answer fa) {
                for (DnsRecord r : fa.records()) {
                    byte[] b = IpAddresses.parse(r.data().strip());
                    if (b != null && IpAddresses.format(b).equals(want)) {
                        return Status.OK;
                    }
                }
            }
        }
        return retry ? Status.RETRY : Status.NOT_FOUND;
    }

    /** d.c.b.a.{@code v4suffix} or the 32 reversed nibbles + {@code v6suffix}. */
    static String reverseName(byte[] bytes, String v4suffix, String v6suffix) {
        StringBuilder b = new StringBuilder();
        if (bytes.length == 4) {
            for (int i = 3; i >= 0; i--) {
                b.append(bytes[i] & 0xff).append('.');
            }
            return b.append(v4suffix).toString();
        }
        for (int i = 15; i >= 0; i--) {
            b.append(Integer.toHexString(bytes[i] & 0xf)).append('.').append(Integer.toHexString((bytes[i] >> 4) & 0xf))
                    .append('.');
        }
        return b.append(v6suffix).toString();
    }

    /** rbl_pagein(): the A records (and TXT text) of a DNS list query. */
    ListAnswer listLookup(String query) {
        DnsResult r = lookup(query, DnsRecordType.A);
        if (r instanceof DnsResult.NoSuchDomain || r instanceof DnsResult.NoData) {
            return ListAnswer.NOT_LISTED;
        }
        if (!(r instanceof DnsResult.Answer a)) {
            return ListAnswer.SOFT;
        }
        if (a.records().isEmpty()) {
            return ListAnswer.NOT_LISTED;
        }
        List<String> addrs = new ArrayList<>();
        for (DnsRecord rec : a.records()) {
            if (rec.type() == DnsRecordType.A) {
                addrs.add(rec.data().strip());
            }
        }
        String txt = null;
        DnsResult t = lookup(query, DnsRecordType.TXT);
        if (t instanceof DnsResult.Answer ta && !ta.records().isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (DnsRecord rec : ta.records()) {
                if (b.length() > 0) {
                    b.append(" / ");
                }
                b.append(rec.data());
                if (b.length() >= 500) {
                    break;
                }
            }
            txt = b.length() > 500 ? b.substring(0, 500) : b.toString();
        }
        return new ListAnswer(false, addrs, txt);
    }

    /**
     * The "domain=d.d.d.d" filter of a DNS list: each octet is a number or "[n;m..k]"
     * (Postfix ip_match); null filter matches any answer.
     */
    static boolean filterMatches(String filter, List<String> addresses) {
        if (filter == null) {
            return true;
        }
        for (String a : addresses) {
            if (octetsMatch(filter, a)) {
                return true;
            }
        }
        return false;
    }

    /** Checks the filter syntax; null when fine, else the problem. */
    static String filterError(String filter) {
        List<String> parts = splitFilter(filter);
        if (parts == null || parts.size() != 4) {
            return "need four octet patterns separated by \".\"";
        }
        for (String p : parts) {
            if (octetSet(p) == null) {
                return "bad octet pattern \"" + p + "\"";
            }
        }
        return null;
    }

    private static boolean octetsMatch(String filter, String address) {
        byte[] b = IpAddresses.parseIpv4(address);
        List<String> parts = splitFilter(filter);
        if (b == null || parts == null || parts.size() != 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            boolean[] set = octetSet(parts.get(i));
            if (set == null || !set[b[i] & 0xff]) {
                return false;
            }
        }
        return true;
    }

    private static List<String> splitFilter(String filter) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == '.' && depth == 0) {
                parts.add(filter.substring(start, i));
                start = i + 1;
            }
        }
        if (depth != 0) {
            return null;
        }
        parts.add(filter.substring(start));
        return parts;
    }

    private static boolean[] octetSet(String pattern) {
        boolean[] set = new boolean[256];
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("[") && p.endsWith("]")) {
            for (String item : p.substring(1, p.length() - 1).split(";", -1)) {
                int dots = item.indexOf("..");
                try {
                    int lo = Integer.parseInt(dots < 0 ? item : item.substring(0, dots));
                    int hi = dots < 0 ? lo : Integer.parseInt(item.substring(dots + 2));
                    if (lo < 0 || hi > 255 || lo > hi) {
                        return null;
                    }
                    for (int v = lo; v <= hi; v++) {
                        set[v] = true;
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            return set;
        }
        if (!HostNames.allDigits(p) || p.length() > 3 || Integer.parseInt(p) > 255) {
            return null;
        }
        set[Integer.parseInt(p)] = true;
        return set;
    }
}
