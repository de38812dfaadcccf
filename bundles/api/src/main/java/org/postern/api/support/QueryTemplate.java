// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * SUMMARY   The %-expansions of networked table queries and result formats (Postfix db_common).
 * DESCRIPTION
 *   In a query (query, query_filter, search_base, filter):
 *     %%        a literal "%"
 *     %s        the whole key
 *     %u        the local part of user@domain, else the whole key; empty local part: no query
 *     %d        the domain of user@domain; a key without "@": no query
 *     %1..%9    the n-th most significant domain label (%1 = com); too few labels: no query
 *     %l        (Postern, ldap only, if enabled) the domain as a DN: dc=mail,dc=example,dc=com
 *   %S %U %D mean the same as %s %u %d in a query.
 *   In result_format, %s %u %d are parts of the result value (a value without "@" is dropped
 *   by %d), and %S %U %D %1..%9 are parts of the key. "No query" / "dropped" is an empty
 *   Optional: the lookup answers not-found without asking the server, as Postfix does.
 *   The quote function escapes each substituted part for the query language (SQL, LDAP filter,
 *   DN); literal template text is never quoted.
 * SECURITY  Keys come from the network: everything substituted goes through the quote function.
 * SEE ALSO  Postfix mysql_table(5), ldap_table(5) "query", "result_format".
 */
public final class QueryTemplate {

    /** Where a template is used: the letters it accepts differ. */
    public enum Use { QUERY, RESULT_FORMAT }

    private sealed interface Part permits Text, Escape {
    }

    private record Text(String text) implements Part {
    }

    private record Escape(char letter) implements Part {
    }

    private final String template;
    private final Use use;
    private final List<Part> parts;

    private QueryTemplate(String template, Use use, List<Part> parts) {
        this.template = template;
        this.use = use;
        this.parts = List.copyOf(parts);
    }

    /** A query template with the standard escapes. */
    public static QueryTemplate query(String template) {
        return parse(template, Use.QUERY, "");
    }

    /** A result_format template. */
    public static QueryTemplate resultFormat(String template) {
        return parse(template, Use.RESULT_FORMAT, "");
    }

    /**
     * Parses {@code template}; {@code extraLetters} are additional escapes the caller handles
     * (only "l" exists: the domain as LDAP DN).
     *
     * @throws IllegalArgumentException naming the bad escape, e.g. {@code invalid expansion "%x"}
     */
    public static QueryTemplate parse(String template, Use use, String extraLetters) {
        String allowed = "sudSUD123456789" + extraLetters;
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                text.append(c);
                continue;
            }
            if (i + 1 >= template.length()) {
                throw new IllegalArgumentException("\"%\" at the end of \"" + LogText.printable(template) + "\"");
            }
            char letter = template.charAt(++i);
            if (letter == '%') {
                text.append('%');
            } else if (allowed.indexOf(letter) >= 0) {
                if (text.length() > 0) {
                    parts.add(new Text(text.toString()));
                    text.setLength(0);
                }
                parts.add(new Escape(letter));
            } else {
                throw new IllegalArgumentException("invalid expansion \"%" + LogText.printable(String.valueOf(letter))
                        + "\" in \"" + LogText.printable(template) + "\"");
            }
        }
        if (text.length() > 0) {
            parts.add(new Text(text.toString()));
        }
        return new QueryTemplate(template, use, parts);
    }

    /** The template as configured. */
    public String template() {
        return template;
    }

    /** True when the template substitutes anything (a constant query asks the same for every key). */
    public boolean hasExpansions() {
        return parts.stream().anyMatch(p -> p instanceof Escape);
    }

    /** True when the template uses escape {@code letter}. */
    public boolean uses(char letter) {
        return parts.stream().anyMatch(p -> p instanceof Escape e && e.letter() == letter);
    }

    /** Expands a query for {@code key}; empty when the key cannot fill the template (no query). */
    public Optional<String> expandQuery(String key, UnaryOperator<String> quote) {
        if (use != Use.QUERY) {
            throw new IllegalStateException("not a query template: " + template);
        }
        return expand(LookupKey.of(key), null, quote);
    }

    /** Formats one result value for {@code key}; empty when the value is dropped. Nothing is quoted. */
    public Optional<String> formatResult(String value, String key) {
        if (use != Use.RESULT_FORMAT) {
            throw new IllegalStateException("not a result_format template: " + template);
        }
        return expand(LookupKey.of(key), LookupKey.of(value), UnaryOperator.identity());
    }

    private Optional<String> expand(LookupKey key, LookupKey value, UnaryOperator<String> quote) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Text t) {
                out.append(t.text());
                continue;
            }
            char letter = ((Escape) part).letter();
            boolean aboutValue = value != null && Character.isLowerCase(letter);
            LookupKey subject = aboutValue ? value : key;
            Optional<String> piece = piece(Character.toLowerCase(letter), subject, quote);
            if (piece.isEmpty()) {
                return Optional.empty();
            }
            out.append(piece.get());
        }
        return Optional.of(out.toString());
    }

    /** One substituted part, already quoted. */
    private static Optional<String> piece(char letter, LookupKey subject, UnaryOperator<String> quote) {
        Optional<String> raw = switch (letter) {
            case 's' -> Optional.of(subject.whole());
            case 'u' -> subject.localPart().isEmpty() ? Optional.empty() : Optional.of(subject.localPart());
            case 'd', 'l' -> subject.domain().filter(d -> !d.isEmpty());
            default -> subject.domainLabel(letter - '0');
        };
        return letter == 'l' ? raw.map(domain -> domainAsDn(domain, quote)) : raw.map(quote);
    }

    /**
     * mail.example.com as dc=mail,dc=example,dc=com (the Dovecot-style %l of the Postfix
     * wishlist); each label is quoted on its own so that the commas stay DN syntax.
     */
    private static String domainAsDn(String domain, UnaryOperator<String> quote) {
        StringBuilder dn = new StringBuilder();
        for (String label : domain.split("\\.")) {
            if (dn.length() > 0) {
                dn.append(',');
            }
            dn.append("dc=").append(quote.apply(label));
        }
        return dn.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
