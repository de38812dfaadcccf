// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * SUMMARY   A policy domain's "_smtp._tls" TXT record (RFC 8460 section 3): where its reports go.
 * DESCRIPTION
 *   "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/v1" — the version
 *   first and case-sensitive; fields separated by ";" with optional blanks; rua required, a
 *   comma-separated list of URIs (commas inside a URI are %-encoded). Extension fields are
 *   ignored; a malformed field makes the record invalid. URIs other than mailto: and https:
 *   are skipped (nothing could deliver to them); a record left with none is invalid.
 *   Several TXT records: those not starting with "v=TLSRPTv1" are discarded, and unless
 *   exactly one remains the domain does not take reports.
 */
public record TlsRptRecord(List<ReportAddress> addresses) {

    private static final String VERSION = "v=TLSRPTv1";
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}=[\\x21-\\x3a\\x3c\\x3e-\\x7e]+");

    public TlsRptRecord {
        addresses = List.copyOf(addresses);
    }

    /** The record among a domain's TXT strings; empty when it has none or several, with why in {@code problem}. */
    public static Optional<TlsRptRecord> select(List<String> txtRecords, StringBuilder problem) {
        List<String> candidates = txtRecords.stream().filter(t -> t.startsWith(VERSION)).toList();
        if (candidates.size() != 1) {
            problem.append(candidates.isEmpty() ? "no TLSRPT record" : candidates.size() + " TLSRPT records");
            return Optional.empty();
        }
        try {
            return Optional.of(parse(candidates.get(0)));
        } catch (IllegalArgumentException e) {
            problem.append("invalid TLSRPT record: ").append(e.getMessage());
            return Optional.empty();
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public static TlsRptRecord parse(String text) {
        String[] fields = text.split("[ \\t]*;[ \\t]*", -1);
        if (!fields[0].equals(VERSION)) {
            throw new IllegalArgumentException("does not start with " + VERSION);
        }
        List<ReportAddress> addresses = null;
        for (int i = 1; i < fields.length; i++) {
            String field = fields[i];
            if (field.isEmpty() && i == fields.length - 1) {
                break;                               // a trailing ";" is allowed
            }
            if (field.startsWith("rua=")) {
                if (addresses != null) {
                    throw new IllegalArgumentException("rua given twice");
                }
                addresses = uris(field.substring(4));
            } else if (!EXTENSION.matcher(field).matches()) {
                throw new IllegalArgumentException("malformed field: " + field);
            }
        }
        if (addresses == null) {
            throw new IllegalArgumentException("no rua");
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no mailto: or https: address in rua");
        }
        return new TlsRptRecord(addresses);
    }

    private static List<ReportAddress> uris(String list) {
        List<ReportAddress> out = new ArrayList<>();
        for (String text : list.split("[ \\t]*,[ \\t]*", -1)) {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("malformed URI: " + text);
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme.equals("mailto")) {
                String address = mailbox(uri);
                if (address.isEmpty() || address.indexOf('@') <= 0) {
                    throw new IllegalArgumentException("malformed mailto: URI: " + text);
                }
                out.add(new ReportAddress(text, address));
            } else if (scheme.equals("https") && uri.getHost() != null) {
                out.add(new ReportAddress(text, ""));
            }
        }
        return out;
    }

    /** The address of a mailto: URI, %-decoded, without "?headers". */
    private static String mailbox(URI uri) {
        String part = uri.getRawSchemeSpecificPart();
        int query = part.indexOf('?');
        // URI decodes %XX (and, unlike URLDecoder, leaves "+" alone: tlsrpt+x@example.com)
        return URI.create("mailto:" + (query < 0 ? part : part.substring(0, query))).getSchemeSpecificPart().strip();
    }
}
