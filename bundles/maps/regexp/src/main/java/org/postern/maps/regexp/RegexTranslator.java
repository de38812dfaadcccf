// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * SUMMARY   Rewrites POSIX (ERE/BRE) and PCRE patterns into java.util.regex syntax.
 * DESCRIPTION
 *   POSIX: bracket expressions are rebuilt ("[[:alpha:]]", "[]a]", a literal backslash or "["
 *   inside brackets), GNU "\<", "\>", "\`", "\'" become Java boundaries, "\n"-style escapes of
 *   ordinary letters become the letter, and BRE (x flag toggled off) swaps the meaning of
 *   "\( \) \{ \} \+ \? \|" and their plain forms. With REG_NEWLINE ("m") a "[^...]" list does
 *   not match a newline. PCRE: POSIX classes inside brackets, "(?P<n>", "(?P=n)", "(?#...)",
 *   a literal "{" that is not a quantifier, UNGREEDY ("U") by swapping lazy and greedy
 *   quantifiers, DOLLAR_ENDONLY ("E") by writing "$" as "\z". Inside brackets, whitespace and
 *   "#" are escaped so that Java's COMMENTS mode does not drop them (PCRE keeps them).
 * SECURITY  Patterns come from the table file (administrator); keys never reach this class.
 * BUGS      POSIX leftmost-longest matching is not emulated: "(a|ab)" captures "a" in Java
 *           where POSIX captures "ab". Collating elements "[.x.]" and equivalence classes
 *           "[=x=]" are taken as the literal character. PCRE features Java lacks (recursion,
 *           "\K", branch reset "(?|", callouts) fail to compile and the rule is skipped.
 */
final class RegexTranslator {

    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alpha", "Alpha"), Map.entry("digit", "Digit"), Map.entry("alnum", "Alnum"),
            Map.entry("upper", "Upper"), Map.entry("lower", "Lower"), Map.entry("space", "Space"),
            Map.entry("blank", "Blank"), Map.entry("punct", "Punct"), Map.entry("print", "Print"),
            Map.entry("graph", "Graph"), Map.entry("cntrl", "Cntrl"), Map.entry("xdigit", "XDigit"),
            Map.entry("word", "Alnum_"));

    private RegexTranslator() {
    }

    /** regexp_table(5): {@code extended} is REG_EXTENDED (default on), {@code newline} is REG_NEWLINE ("m"). */
    static String posix(String re, boolean extended, boolean newline) {
        StringBuilder out = new StringBuilder();
        int n = re.length();
        boolean atStart = true;             // where "*" is literal and BRE "^" is an anchor
        for (int i = 0; i < n; i++) {
            char c = re.charAt(i);
            boolean wasStart = atStart;
            atStart = false;
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw new PatternSyntaxException("trailing backslash (\\)", re, i);
                }
                char d = re.charAt(++i);
                if (!extended && (d == '(' || d == '|')) {
                    out.append(d);
                    atStart = true;
                } else if (!extended && (d == ')' || d == '+' || d == '?')) {
                    out.append(d);
                } else if (!extended && d == '{') {
                    int end = re.indexOf("\\}", i);
                    if (end < 0 || !re.substring(i + 1, end).matches("[0-9]+(,[0-9]*)?")) {
                        throw new PatternSyntaxException("invalid content of \\{\\}", re, i);
                    }
                    out.append('{').append(re, i + 1, end).append('}');
                    i = end + 1;
                } else if (!extended && d == '}') {
                    out.append("\\}");
                } else if (d >= '1' && d <= '9') {
                    out.append('\\').append(d);
                } else if ("wWsSbB".indexOf(d) >= 0) {
                    out.append('\\').append(d);
                } else if (d == '<') {
                    out.append("\\b(?=\\w)");
                } else if (d == '>') {
                    out.append("\\b(?<=\\w)");
                } else if (d == '`') {
                    out.append("\\A");
                } else if (d == '\'') {
                    out.append("\\z");
                } else if (Character.isLetterOrDigit(d)) {
                    out.append(d);
                } else {
                    out.append('\\').append(d);
                }
            } else if (c == '[') {
                i = bracket(re, i, out, newline, false);
            } else if (extended) {
                if (c == '(' || c == '|') {
                    out.append(c);
                    atStart = true;
                } else if ((c == '*' || c == '+' || c == '?') && wasStart) {
                    out.append('\\').append(c);
                } else if (c == '{') {
                    int end = wasStart ? -1 : intervalEnd(re, i);
                    if (end < 0) {
                        out.append("\\{");
                    } else {
                        out.append(re, i, end + 1);
                        i = end;
                    }
                } else if (c == '}') {
                    out.append("\\}");
                } else {
                    out.append(c);
                    atStart = c == '^';
                }
            } else {
                if (c == '^' && wasStart) {
                    out.append('^');
                    atStart = true;
                } else if (c == '$' && (i + 1 == n || re.startsWith("\\)", i + 1))) {
                    out.append('$');
                } else if (c == '*' && wasStart || "^$(){}|+?".indexOf(c) >= 0) {
                    out.append('\\').append(c);
                } else {
                    out.append(c);
                }
            }
        }
        return out.toString();
    }

    /** pcre_table(5) with the U (ungreedy) and E (dollar end only) flags applied. */
    static String pcre(String re, boolean ungreedy, boolean dollarEndOnly, boolean extended) {
        StringBuilder out = new StringBuilder();
        int n = re.length();
        for (int i = 0; i < n; i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 >= n) {
                    throw new PatternSyntaxException("\\ at end of pattern", re, i);
                }
                char d = re.charAt(i + 1);
                if (d == 'Q') {
                    int end = re.indexOf("\\E", i + 2);
                    end = end < 0 ? n : end + 2;
                    out.append(re, i, end);
                    i = end - 1;
                    continue;
                }
                out.append(c).append(d);
                i++;
                if ("xpPkgoN".indexOf(d) >= 0) {
                    i = copyEscapeArgument(re, i, out);      // \x{41}, \p{Alpha}, \k<name>
                }
            } else if (c == '[') {
                i = bracket(re, i, out, false, true);
            } else if (c == '(') {
                if (re.startsWith("(?#", i)) {
                    int close = re.indexOf(')', i);
                    i = close < 0 ? n : close;
                } else if (re.startsWith("(?P<", i)) {
                    out.append("(?<");
                    i += 3;
                } else if (re.startsWith("(?P=", i)) {
                    int close = re.indexOf(')', i);
                    if (close < 0) {
                        throw new PatternSyntaxException("missing ) after (?P=", re, i);
                    }
                    out.append("\\k<").append(re, i + 4, close).append('>');
                    i = close;
                } else if (re.startsWith("(?", i)) {
                    out.append("(?");
                    i++;
                } else {
                    out.append('(');
                }
            } else if (c == '{') {
                int end = intervalEnd(re, i);
                if (end < 0) {
                    out.append("\\{");
                } else {
                    out.append(re, i, end + 1);
                    i = lazySuffix(re, end, out, ungreedy);
                }
            } else if (c == '*' || c == '+' || c == '?') {
                out.append(c);
                i = lazySuffix(re, i, out, ungreedy);
            } else if (c == '$' && dollarEndOnly) {
                out.append("\\z");
            } else if (c == '#' && extended) {
                int eol = re.indexOf('\n', i);
                eol = eol < 0 ? n : eol;
                out.append(re, i, eol);
                i = eol - 1;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** After a quantifier at {@code i}: U swaps "x*" and "x*?"; "x*+" stays possessive. */
    private static int lazySuffix(String re, int i, StringBuilder out, boolean ungreedy) {
        if (!ungreedy) {
            return i;
        }
        char next = i + 1 < re.length() ? re.charAt(i + 1) : 0;
        if (next == '?') {
            return i + 1;                   // lazy becomes greedy
        }
        if (next == '+') {
            out.append('+');                // possessive stays possessive
            return i + 1;
        }
        out.append('?');                    // greedy becomes lazy
        return i;
    }

    private static int copyEscapeArgument(String re, int i, StringBuilder out) {
        if (i + 1 < re.length() && (re.charAt(i + 1) == '{' || re.charAt(i + 1) == '<')) {
            char close = re.charAt(i + 1) == '{' ? '}' : '>';
            int end = re.indexOf(close, i + 1);
            if (end > 0) {
                out.append(re, i + 1, end + 1);
                return end;
            }
        }
        return i;
    }

    /** "{m}", "{m,}", "{m,n}" starting at {@code i}: the index of "}", or -1 when it is not an interval. */
    private static int intervalEnd(String re, int i) {
        int j = i + 1;
        int digits = 0;
        while (j < re.length() && Character.isDigit(re.charAt(j)) && re.charAt(j) < 128) {
            j++;
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        if (j < re.length() && re.charAt(j) == ',') {
            j++;
            while (j < re.length() && re.charAt(j) >= '0' && re.charAt(j) <= '9') {
                j++;
            }
        }
        return j < re.length() && re.charAt(j) == '}' ? j : -1;
    }

    /** A bracket expression starting at {@code i}; returns the index of its closing "]". */
    private static int bracket(String re, int i, StringBuilder out, boolean excludeNewline, boolean pcre) {
        int n = re.length();
        int j = i + 1;
        boolean negated = j < n && re.charAt(j) == '^';
        out.append(negated ? "[^" : "[");
        if (negated) {
            j++;
        }
        boolean first = true;
        for (; ; j++) {
            if (j >= n) {
                throw new PatternSyntaxException("unterminated bracket expression", re, i);
            }
            char c = re.charAt(j);
            if (c == ']' && !first) {
                break;
            }
            first = false;
            if (c == '[' && j + 1 < n && ":=.".indexOf(re.charAt(j + 1)) >= 0) {
                char kind = re.charAt(j + 1);
                int end = re.indexOf(kind + "]", j + 2);
                if (end < 0) {
                    throw new PatternSyntaxException("unterminated [" + kind, re, j);
                }
                String inner = re.substring(j + 2, end);
                if (kind == ':') {
                    boolean not = pcre && inner.startsWith("^");
                    String java = POSIX_CLASSES.get(not ? inner.substring(1) : inner);
                    if (java == null) {
                        throw new PatternSyntaxException("unknown character class [:" + inner + ":]", re, j);
                    }
                    out.append(java.equals("Alnum_") ? (not ? "\\W" : "\\w") : (not ? "\\P{" : "\\p{") + java + "}");
                } else {
                    inner.chars().forEach(ch -> escapeInClass((char) ch, out));
                }
                j = end + 1;
            } else if (c == '\\' && pcre && j + 1 < n) {
                out.append(c).append(re.charAt(++j));
            } else if (c == '-' && (j + 1 < n && re.charAt(j + 1) == ']' || out.charAt(out.length() - 1) == '[')) {
                out.append("\\-");
            } else if (c == '-') {
                out.append('-');
            } else {
                escapeInClass(c, out);
            }
        }
        if (negated && excludeNewline) {
            out.append("\\n");
        }
        out.append(']');
        return j;
    }

    private static void escapeInClass(char c, StringBuilder out) {
        if (c == '\\' || c == '[' || c == ']' || c == '&' || c == '^' || c == '-') {
            out.append('\\').append(c);
        } else if (Character.isWhitespace(c) || c == '#') {
            out.append(String.format("\\x{%x}", (int) c));
        } else {
            out.append(c);
        }
    }
}
