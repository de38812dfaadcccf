// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mongodb;

import java.util.Optional;

import org.bson.BsonDocument;
import org.bson.json.JsonParseException;
import org.postern.api.support.LogText;
import org.postern.api.support.QueryTemplate;

/**
 * SUMMARY   The query_filter of a mongodb table: a JSON template expanded into a BSON filter.
 * DESCRIPTION
 *   %s %u %d %1..%9 are expanded by {@link QueryTemplate}; each substituted part is escaped for
 *   a JSON string (RFC 8259 section 7: quote, backslash and control characters), as Postfix's
 *   quote_for_json does. The expanded text is then parsed into a document.
 * SECURITY  Keys come from the network. Escaping only protects text inside a JSON string, so
 *   {@link #parse} refuses a template with an expansion outside double quotes
 *   ({"uid": %s} would let a key such as {"$ne": null} become an operator). A template that
 *   puts the key into an operator that interprets strings ($regex, $where) is the
 *   administrator's choice and is not checked.
 */
final class FilterTemplate {

    private final QueryTemplate template;

    private FilterTemplate(QueryTemplate template) {
        this.template = template;
    }

    /**
     * Checks and parses {@code json}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static FilterTemplate parse(String json) {
        QueryTemplate template = QueryTemplate.query(json);
        requireExpansionsInsideStrings(json);
        FilterTemplate filter = new FilterTemplate(template);
        try {
            filter.expand("user@example.com");
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not a JSON document: " + LogText.printable(e.getMessage()), e);
        }
        return filter;
    }

    /**
     * The filter for {@code key}; empty when the key cannot fill the template (no query).
     *
     * @throws JsonParseException if the expanded text is not JSON (cannot happen for a checked template)
     */
    Optional<BsonDocument> expand(String key) {
        return template.expandQuery(key, FilterTemplate::quote).map(BsonDocument::parse);
    }

    /** {@code text} escaped for the inside of a JSON string. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static void requireExpansionsInsideStrings(String json) {
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (c == '%' && i + 1 < json.length()) {
                char next = json.charAt(++i);
                if (next != '%' && !inString) {
                    throw new IllegalArgumentException("expansion \"%" + next
                            + "\" outside a JSON string: write it in double quotes, e.g. {\"mail\": \"%s\"}");
                }
            }
        }
    }

    @Override
    public String toString() {
        return template.template();
    }
}
