// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * SUMMARY   Expands pipe(8) command-line macros in argv= words.
 * DESCRIPTION
 *   Forms: {@code ${name}}, {@code $name}, {@code $(name)}, {@code $$} for a single "$", and
 *   the conditionals {@code ${name?text}} (text when name is non-empty) and
 *   {@code ${name:text}} (text when name is empty or unknown); text may hold macros itself.
 *   Unknown names expand to nothing. A word that mentions a per-recipient macro
 *   ({@link #RECIPIENT_MACROS}) becomes one word per recipient, as pipe(8) documents for
 *   ${recipient}, ${user} and the others; every other word stays one word.
 * SECURITY  Values come from the envelope (remote senders choose them); they become
 *   arguments of an exec without a shell, never part of a shell command line.
 * BUGS      None known.
 */
final class MacroExpander {

    /** Macros that expand into one command-line argument per recipient. */
    static final Set<String> RECIPIENT_MACROS =
            Set.of("recipient", "original_recipient", "user", "extension", "mailbox", "domain");

    /** The text has a malformed macro (unclosed brace or parenthesis). */
    static final class MacroSyntaxException extends Exception {
        MacroSyntaxException(String message) {
            super(message);
        }
    }

    private MacroExpander() {
    }

    /**
     * @param argv       the argv= words
     * @param message    per-message macro values (sender, nexthop, size, client_address, ...)
     * @param recipients per-recipient macro values, one map per recipient, in order
     */
    static List<String> expand(List<String> argv, Map<String, String> message, List<Map<String, String>> recipients)
            throws MacroSyntaxException {
        List<String> out = new ArrayList<>();
        for (String word : argv) {
            if (mentionsRecipientMacro(word)) {
                for (Map<String, String> r : recipients) {
                    out.add(expand(word, name -> r.containsKey(name) ? r.get(name) : message.get(name)));
                }
            } else {
                out.add(expand(word, message::get));
            }
        }
        return out;
    }

    static boolean mentionsRecipientMacro(String word) throws MacroSyntaxException {
        Set<String> names = new HashSet<>();
        expand(word, name -> {
            names.add(name);
            return "";
        });
        expand(word, name -> {
            names.add(name);
            return "x";
        });
        return names.stream().anyMatch(RECIPIENT_MACROS::contains);
    }

    /** One word with the given lookup (null: unknown name). */
    static String expand(String text, Function<String, String> lookup) throws MacroSyntaxException {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char n = text.charAt(i + 1);
            if (n == '$') {
                out.append('$');
                i += 2;
            } else if (n == '{' || n == '(') {
                char close = n == '{' ? '}' : ')';
                int end = matching(text, i + 1, n, close);
                String inner = text.substring(i + 2, end);
                out.append(conditional(inner, lookup));
                i = end + 1;
            } else if (isNameChar(n)) {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end))) {
                    end++;
                }
                out.append(value(lookup, text.substring(i + 1, end)));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String conditional(String inner, Function<String, String> lookup) throws MacroSyntaxException {
        int k = 0;
        while (k < inner.length() && isNameChar(inner.charAt(k))) {
            k++;
        }
        String name = inner.substring(0, k);
        if (name.isEmpty()) {
            throw new MacroSyntaxException("bad macro name in \"${" + inner + "}\"");
        }
        String value = value(lookup, name);
        if (k == inner.length()) {
            return value;
        }
        char op = inner.charAt(k);
        String body = inner.substring(k + 1);
        return switch (op) {
            case '?' -> value.isEmpty() ? "" : expand(body, lookup);
            case ':' -> value.isEmpty() ? expand(body, lookup) : "";
            default -> throw new MacroSyntaxException("bad macro syntax in \"${" + inner + "}\"");
        };
    }

    private static String value(Function<String, String> lookup, String name) {
        String v = lookup.apply(name);
        return v == null ? "" : v;
    }

    private static int matching(String text, int open, char openChar, char close) throws MacroSyntaxException {
        int depth = 0;
        for (int j = open; j < text.length(); j++) {
            char c = text.charAt(j);
            if (c == openChar) {
                depth++;
            } else if (c == close && --depth == 0) {
                return j;
            }
        }
        throw new MacroSyntaxException("unbalanced '" + openChar + "' in \"" + text + "\"");
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
