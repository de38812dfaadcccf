// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * SUMMARY   Postfix parameter expansion: $name, ${name}, $(name), ${name?value}, ${name:value},
 *           ${name?{a}:{b}}, ${{x} == {y} ? {a} : {b}}, $$.
 * DESCRIPTION
 *   Implements the rules of postconf(5) SYNTAX (Postfix 3.0+ forms included) as the real
 *   postconf 3.7 behaves:
 *   <ul>
 *   <li>"$name" and "${name}" (legacy "$(name)") are replaced, recursively, by the value of the
 *       named parameter; a name is [a-zA-Z0-9_]+; an undefined name expands to empty.</li>
 *   <li>"${name?value}" / "${name:value}" give value when $name is non-empty / empty. A value
 *       without braces runs literally to the closing "}"; "{value}" may be surrounded by
 *       whitespace, which is ignored (whitespace inside the braces is kept).</li>
 *   <li>"${name?{a}:{b}}": braces required for a, optional for b.</li>
 *   <li>"${{x} op {y}...}" with op one of ==, !=, &lt;, &lt;=, &gt;=, &gt; (numerical when both
 *       operands are all digits, else lexicographical) and the Postfix 3.6 compatibility
 *       level forms "&lt;level" etc.; alone it yields "true" or empty, or it is followed by
 *       "?..." or ":..." as with a name.</li>
 *   <li>"$$" gives one "$".</li>
 *   </ul>
 *   Branches not taken are not expanded. Results per parameter name are memoized.
 * SECURITY  Values come from the administrator's files. Self-reference is detected and reported
 *           with the chain of names; nesting is capped at 100 so a deep chain cannot exhaust
 *           the stack.
 * BUGS      Syntax error messages show the whole text before the error point, where Postfix
 *           shows a shorter excerpt.
 */
public final class Expander {

    /** Postfix's mac_expand nesting limit. */
    static final int MAX_NESTING = 100;

    private final Function<String, String> rawLookup;
    private final Map<String, String> memo = new HashMap<>();
    private final LinkedHashSet<String> chain = new LinkedHashSet<>();

    /**
     * @param rawLookup the unexpanded value of a parameter, or null when it is undefined
     */
    public Expander(Function<String, String> rawLookup) {
        this.rawLookup = rawLookup;
    }

    /** Expands {@code text}. */
    public synchronized String expand(String text) throws ConfigException {
        try {
            return new Pass(false, null).text(text);
        } catch (ExpansionError e) {
            throw new ConfigException(e.getMessage());
        } finally {
            chain.clear();
        }
    }

    /** The expanded value of parameter {@code name}, or null when it is undefined. */
    public synchronized String value(String name) throws ConfigException {
        if (rawLookup.apply(name) == null) {
            return null;
        }
        try {
            return new Pass(false, null).value(name);
        } catch (ExpansionError e) {
            throw new ConfigException(e.getMessage());
        } finally {
            chain.clear();
        }
    }

    /**
     * The parameter names {@code text} refers to, in every branch, in order of appearance
     * (duplicates kept), without looking any value up.
     *
     * @throws ConfigException on a syntax error
     */
    public static List<String> references(String text) throws ConfigException {
        List<String> names = new ArrayList<>();
        Expander scanner = new Expander(n -> null);
        try {
            scanner.new Pass(true, names).text(text);
        } catch (ExpansionError e) {
            throw new ConfigException(e.getMessage());
        }
        return names;
    }

    /** Unchecked carrier inside the recursive descent. */
    private static final class ExpansionError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExpansionError(String message) {
            super(message, null, false, false);
        }
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Index of the bracket that closes the one at {@code open}, or -1. */
    private static int matching(String s, int open) {
        char o = s.charAt(open);
        char c = o == '(' ? ')' : '}';
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == o) {
                depth++;
            } else if (ch == c && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static ExpansionError syntax(String what, String body, int at) {
        return new ExpansionError(what + " at: \"..." + body.substring(0, at) + ">>>" + body.substring(at) + "\"");
    }

    /** One expansion (or scan) pass. */
    private final class Pass {
        private final boolean scan;
        private final List<String> seen;

        Pass(boolean scan, List<String> seen) {
            this.scan = scan;
            this.seen = seen;
        }

        String text(String s) {
            if (s.indexOf('$') < 0) {
                return s;
            }
            StringBuilder out = new StringBuilder(s.length());
            int n = s.length();
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (c != '$') {
                    out.append(c);
                    i++;
                    continue;
                }
                if (i + 1 >= n) {
                    throw new ExpansionError("empty macro name: \"" + s + "\"");
                }
                char d = s.charAt(i + 1);
                if (d == '$') {
                    out.append('$');
                    i += 2;
                } else if (d == '{' || d == '(') {
                    int end = matching(s, i + 1);
                    if (end < 0) {
                        throw new ExpansionError("truncated macro reference: \"" + s + "\"");
                    }
                    out.append(body(s.substring(i + 2, end), s));
                    i = end + 1;
                } else {
                    int j = i + 1;
                    while (j < n && isNameChar(s.charAt(j))) {
                        j++;
                    }
                    if (j == i + 1) {
                        throw new ExpansionError("empty macro name: \"" + s + "\"");
                    }
                    out.append(value(s.substring(i + 1, j)));
                    i = j;
                }
            }
            return out.toString();
        }

        String value(String name) {
            if (scan) {
                seen.add(name);
                return "";
            }
            String cached = memo.get(name);
            if (cached != null) {
                return cached;
            }
            String raw = rawLookup.apply(name);
            if (raw == null) {
                return "";
            }
            if (chain.contains(name)) {
                List<String> loop = new ArrayList<>(chain);
                loop = loop.subList(loop.indexOf(name), loop.size());
                throw new ExpansionError("parameter loop: " + String.join(" -> ", loop) + " -> " + name);
            }
            if (chain.size() >= MAX_NESTING) {
                throw new ExpansionError("unreasonable macro call nesting: \"" + name + "\"");
            }
            chain.add(name);
            String result;
            try {
                result = text(raw);
            } finally {
                chain.remove(name);
            }
            memo.put(name, result);
            return result;
        }

        /** The text between "${" and its "}" ({@code whole} is only for messages). */
        private String body(String b, String whole) {
            int p = skipSpace(b, 0);
            if (p >= b.length()) {
                throw new ExpansionError("empty macro name: \"" + whole + "\"");
            }
            if (b.charAt(p) == '{') {
                return relational(b, p);
            }
            int j = p;
            while (j < b.length() && isNameChar(b.charAt(j))) {
                j++;
            }
            if (j == p) {
                throw syntax("attribute name syntax error", b, p);
            }
            String name = b.substring(p, j);
            int q = skipSpace(b, j);
            if (q >= b.length()) {
                return value(name);
            }
            char op = b.charAt(q);
            if (op != '?' && op != ':') {
                throw syntax("attribute name syntax error", b, j);
            }
            boolean nonEmpty = !value(name).isEmpty();
            return conditional(b, q + 1, op, nonEmpty);
        }

        private String relational(String b, int p) {
            int e1 = matching(b, p);
            if (e1 < 0) {
                throw syntax("missing '}'", b, p);
            }
            String left = b.substring(p + 1, e1);
            int q = skipSpace(b, e1 + 1);
            int opStart = q;
            while (q < b.length() && "=!<>".indexOf(b.charAt(q)) >= 0) {
                q++;
            }
            String op = b.substring(opStart, q);
            boolean level = b.startsWith("level", q);
            if (level) {
                q += 5;
            }
            if (!List.of("==", "!=", "<", "<=", ">=", ">").contains(op)) {
                throw syntax("\"==\" or \"!=\" or \"<\" or \"<=\" or \">=\" or \">\" expected", b, opStart);
            }
            int r = skipSpace(b, q);
            if (r >= b.length() || b.charAt(r) != '{') {
                throw syntax("\"{expression}\" expected", b, q);
            }
            int e2 = matching(b, r);
            if (e2 < 0) {
                throw syntax("missing '}'", b, r);
            }
            String right = b.substring(r + 1, e2);
            String l = text(left);
            String rr = text(right);
            boolean result = !scan && compare(l, op, level, rr);
            int t = skipSpace(b, e2 + 1);
            if (t >= b.length()) {
                return result ? "true" : "";
            }
            char c = b.charAt(t);
            if (c != '?' && c != ':') {
                throw syntax("\"?\" or \":\" expected", b, t);
            }
            return conditional(b, t + 1, c, result);
        }

        private String conditional(String b, int p, char op, boolean nonEmpty) {
            boolean first = op == '?' ? nonEmpty : !nonEmpty;
            int t = skipSpace(b, p);
            if (t >= b.length() || b.charAt(t) != '{') {
                return pick(first, b.substring(p), null);
            }
            int e = matching(b, t);
            if (e < 0) {
                throw syntax("missing '}'", b, t);
            }
            String v1 = b.substring(t + 1, e);
            int r = skipSpace(b, e + 1);
            if (r >= b.length()) {
                return pick(first, v1, null);
            }
            if (op != '?') {
                throw syntax("unexpected input", b, e + 1);
            }
            if (b.charAt(r) != ':') {
                throw syntax("\":\" expected", b, e + 1);
            }
            int u = skipSpace(b, r + 1);
            if (u >= b.length() || b.charAt(u) != '{') {
                return pick(first, v1, b.substring(r + 1));
            }
            int e2 = matching(b, u);
            if (e2 < 0) {
                throw syntax("missing '}'", b, u);
            }
            if (skipSpace(b, e2 + 1) < b.length()) {
                throw syntax("unexpected input", b, e2 + 1);
            }
            return pick(first, v1, b.substring(u + 1, e2));
        }

        /** Expands only the branch taken ({@code second} null means empty); a scan visits both. */
        private String pick(boolean first, String v1, String v2) {
            if (scan) {
                text(v1);
                if (v2 != null) {
                    text(v2);
                }
                return "";
            }
            if (first) {
                return text(v1);
            }
            return v2 == null ? "" : text(v2);
        }
    }

    private static boolean compare(String left, String op, boolean level, String right) {
        int cmp;
        if (level) {
            cmp = compareLevels(parseLevel(left), parseLevel(right));
        } else if (allDigits(left) && allDigits(right)) {
            cmp = new BigInteger(left).compareTo(new BigInteger(right));
        } else {
            cmp = left.compareTo(right);
        }
        return switch (op) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">=" -> cmp >= 0;
            default -> cmp > 0;
        };
    }

    private static boolean allDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** "major[.minor[.patch]]" as three numbers (compatibility_level syntax, Postfix 3.6). */
    static BigInteger[] parseLevel(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 3) {
            throw new ExpansionError("malformed compatibility level syntax: \"" + text + "\"");
        }
        BigInteger[] level = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
        for (int i = 0; i < parts.length; i++) {
            if (!allDigits(parts[i])) {
                throw new ExpansionError("malformed compatibility level syntax: \"" + text + "\"");
            }
            level[i] = new BigInteger(parts[i]);
        }
        return level;
    }

    /** Compares two compatibility levels ("3.6" > "2"); throws ExpansionError when malformed. */
    static int compareLevels(String a, String b) {
        return compareLevels(parseLevel(a), parseLevel(b));
    }

    private static int compareLevels(BigInteger[] a, BigInteger[] b) {
        for (int i = 0; i < 3; i++) {
            int c = a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
