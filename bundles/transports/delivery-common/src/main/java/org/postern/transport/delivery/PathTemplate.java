// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.util.function.Function;

/**
 * SUMMARY   $name expansion of delivery path templates: forward_path, virtual_mailbox_path.
 * DESCRIPTION
 *   "$name", "${name}" and "$(name)" give an attribute's value; "${name?text}" gives text
 *   when the attribute has a non-empty value, "${name:text}" when it has not; "$$" is "$".
 *   Text inside ?/: is expanded too. An attribute that is referenced directly and has no
 *   value makes the result {@link Result#undefined()}: forward_path skips such an entry,
 *   as Postfix's local(8) does ("$home/.forward${recipient_delimiter}${extension}" is
 *   skipped for a recipient without an extension). Attribute values pass through the
 *   expansion filter: characters not in it become "_" (forward_expansion_filter).
 * SECURITY  Attribute values come from the envelope (local part, extension): the filter
 *   keeps "/" out only if the filter says so; callers that build paths must check them.
 */
public final class PathTemplate {

    /** The result, and whether a directly referenced attribute had no value. */
    public record Result(String text, boolean undefined) {
    }

    private final Function<String, String> attributes;
    private final String filter;

    /**
     * @param attributes the value of an attribute, null or "" when it has none
     * @param filter     the characters allowed in attribute values; null allows all
     */
    public PathTemplate(Function<String, String> attributes, String filter) {
        this.attributes = attributes;
        this.filter = filter;
    }

    public Result expand(String template) {
        boolean[] undefined = {false};
        String text = expand(template, undefined);
        return new Result(text, undefined[0]);
    }

    private String expand(String s, boolean[] undefined) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = s.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{' || next == '(') {
                int close = matching(s, i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unbalanced brackets in \"" + s + "\"");
                }
                out.append(macro(s.substring(i + 2, close), undefined));
                i = close + 1;
            } else if (isNameChar(next)) {
                int j = i + 1;
                while (j < s.length() && isNameChar(s.charAt(j))) {
                    j++;
                }
                out.append(value(s.substring(i + 1, j), undefined));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String macro(String body, boolean[] undefined) {
        int j = 0;
        while (j < body.length() && isNameChar(body.charAt(j))) {
            j++;
        }
        String name = body.substring(0, j);
        if (j == body.length()) {
            return value(name, undefined);
        }
        String raw = attributes.apply(name);
        boolean set = raw != null && !raw.isEmpty();
        String rest = body.substring(j + 1);
        return switch (body.charAt(j)) {
            case '?' -> set ? expand(rest, undefined) : "";
            case ':' -> set ? "" : expand(rest, undefined);
            default -> throw new IllegalArgumentException("bad macro \"${" + body + "}\"");
        };
    }

    private String value(String name, boolean[] undefined) {
        String raw = attributes.apply(name);
        if (raw == null || raw.isEmpty()) {
            undefined[0] = true;
            return "";
        }
        if (filter == null) {
            return raw;
        }
        StringBuilder b = new StringBuilder(raw.length());
        for (int k = 0; k < raw.length(); k++) {
            char ch = raw.charAt(k);
            b.append(filter.indexOf(ch) >= 0 ? ch : '_');
        }
        return b.toString();
    }

    private static int matching(String s, int open) {
        char o = s.charAt(open);
        char c = o == '(' ? ')' : '}';
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == o) {
                depth++;
            } else if (s.charAt(k) == c && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
