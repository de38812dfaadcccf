// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.postern.api.support.LogText;
import org.postern.api.support.QueryTemplate;

/**
 * SUMMARY   A Postfix SQL query template as a prepared statement: "... WHERE mailbox = '%s'"
 *           becomes "... WHERE mailbox = ?" with the key bound as the parameter.
 * DESCRIPTION
 *   The template is split into single- or double-quoted literals and the text between them.
 *   A literal that contains %-expansions becomes one "?" whose value is the literal's content
 *   expanded ('%u@example.com' binds "alice@example.com"; '' inside is one quote). An expansion
 *   outside literals becomes "?" too. "%%" is a literal "%" everywhere. %S %U %D mean %s %u %d,
 *   as in Postfix queries. When the key cannot fill an expansion (%d of "alice", %3 of
 *   "a@b.c"), {@link #bind} is empty: the lookup is not-found without asking the server.
 * SECURITY  Keys come from the network and only ever reach the server as bound parameter
 *           values, never as SQL text: quotes, backslashes, "%" and "_" in a key are data.
 * BUGS      Backslash escapes inside a literal that has expansions are refused (MySQL and
 *           PostgreSQL read them differently); comments are not recognised as such.
 */
public final class SqlQuery {

    private final String template;
    private final String sql;
    private final List<QueryTemplate> parameters;

    private SqlQuery(String template, String sql, List<QueryTemplate> parameters) {
        this.template = template;
        this.sql = sql;
        this.parameters = List.copyOf(parameters);
    }

    /**
     * Translates {@code template}.
     *
     * @throws IllegalArgumentException naming the problem: a bad "%" escape, an unterminated
     *                                  quote, a backslash in a literal with expansions
     */
    public static SqlQuery parse(String template) {
        String normalized = upperCaseEscapesToLower(template);
        StringBuilder sql = new StringBuilder();
        List<QueryTemplate> parameters = new ArrayList<>();
        int i = 0;
        while (i < normalized.length()) {
            char c = normalized.charAt(i);
            if (c == '\'' || c == '"') {
                int end = endOfLiteral(normalized, i, template);
                literal(normalized.substring(i, end), c, sql, parameters, template);
                i = end;
            } else if (c == '%') {
                if (i + 1 >= normalized.length()) {
                    throw new IllegalArgumentException("\"%\" at the end of \"" + LogText.printable(template) + "\"");
                }
                String escape = normalized.substring(i, i + 2);
                QueryTemplate part = QueryTemplate.parse(escape, QueryTemplate.Use.QUERY, "");
                if (part.hasExpansions()) {
                    sql.append('?');
                    parameters.add(part);
                } else {
                    sql.append('%');
                }
                i += 2;
            } else {
                sql.append(c);
                i++;
            }
        }
        return new SqlQuery(template, sql.toString(), parameters);
    }

    /** The template as configured. */
    public String template() {
        return template;
    }

    /** The statement to prepare, with "?" markers. */
    public String sql() {
        return sql;
    }

    /** How many "?" markers {@link #sql()} has. */
    public int parameterCount() {
        return parameters.size();
    }

    /** The parameter values for {@code key}, in marker order; empty when the key cannot fill the template. */
    public Optional<List<String>> bind(String key) {
        List<String> values = new ArrayList<>(parameters.size());
        for (QueryTemplate parameter : parameters) {
            Optional<String> value = parameter.expandQuery(key, UnaryOperator.identity());
            if (value.isEmpty()) {
                return Optional.empty();
            }
            values.add(value.get());
        }
        return Optional.of(values);
    }

    /** The index just past the literal opened at {@code start}; a doubled quote stays inside. */
    private static int endOfLiteral(String text, int start, String template) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote in \"" + LogText.printable(template) + "\"");
    }

    /** Appends one quoted literal: as written, or as one "?" when it has expansions. */
    private static void literal(String quoted, char quote, StringBuilder sql, List<QueryTemplate> parameters,
            String template) {
        String raw = quoted.substring(1, quoted.length() - 1);
        String content = raw.replace(String.valueOf(quote) + quote, String.valueOf(quote));
        QueryTemplate expanded = QueryTemplate.parse(content, QueryTemplate.Use.QUERY, "");
        if (!expanded.hasExpansions()) {
            sql.append(quote).append(raw.replace("%%", "%")).append(quote);
            return;
        }
        if (content.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("backslash in the quoted text " + LogText.printable(quoted)
                    + " that has %-expansions, in \"" + LogText.printable(template) + "\"");
        }
        sql.append('?');
        parameters.add(expanded);
    }

    /** %S %U %D are %s %u %d in queries; "%%S" stays a literal "%" followed by "S". */
    private static String upperCaseEscapesToLower(String template) {
        StringBuilder out = new StringBuilder(template.length());
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            out.append(c);
            if (c == '%' && i + 1 < template.length()) {
                char next = template.charAt(++i);
                out.append(next == 'S' || next == 'U' || next == 'D' ? Character.toLowerCase(next) : next);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return sql;
    }
}
