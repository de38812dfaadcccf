// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.api.support.TableLines;

/**
 * SUMMARY   An open regexp: or pcre: table: ordered "/pattern/flags result" rules, first match wins.
 * DESCRIPTION
 *   Both dialects share the file format: any non-alphanumeric, non-blank delimiter;
 *   "!/pattern/ result" matches when the pattern does not (no $n then); "if [!]/pattern/" ...
 *   "endif" blocks nest; "$1", "${1}", "$(1)" and "$$" in results. Patterns are searched
 *   anywhere in the key (regexec()/pcre_exec() semantics), unless pcre's A flag anchors them.
 *   Flags toggle: matching is case-insensitive until "i". regexp: "m" (REG_NEWLINE: "^"/"$" at
 *   newlines, "." and "[^...]" stop at newlines), "x" (toggles REG_EXTENDED off: basic REs).
 *   pcre: i, m, s (DOTALL, on by default), x (COMMENTS), A (anchored), E (dollar end only),
 *   U (ungreedy); X is obsolete with PCRE2 and ignored with a warning, as Postfix 3.7 does.
 *   Postern refuses two things Postfix only warns about: an empty result value and a result
 *   that references a group the pattern does not have; open fails, naming file and line.
 *   Other bad lines (pattern syntax, unknown flag, bad "$" syntax) are warned about and skipped.
 *   FOLD_CASE has no effect: pattern tables see keys as they are, as in Postfix since 2.3.
 * SECURITY  Keys are untrusted (addresses, host names, headers). Java's backtracking matcher
 *           can take exponential time on some patterns ("(a+)+$"), as PCRE can. It also
 *           recurses once per repetition of a group, where PCRE does not: a match that
 *           overflows the thread's stack is done again on a thread with a big stack
 *           ({@link #DEEP_STACK_BYTES}), and a rule that overflows that one too is, as PCRE's
 *           match limit in Postfix, warned about ("match limit exceeded") and does not match.
 * BUGS      java.util.regex is not POSIX: alternation is leftmost-first, not leftmost-longest,
 *           and see {@link RegexTranslator}. Lookups are not bounded in time.
 */
final class PatternDict implements Dict {

    /** The two table types: their names and flag letters. */
    enum Dialect {
        REGEXP("regexp", "imx"), PCRE("pcre", "imsxAEUX");

        final String type;
        final String flagLetters;

        Dialect(String type, String flagLetters) {
            this.type = type;
            this.flagLetters = flagLetters;
        }
    }

    /** A compiled pattern from line {@code line}; {@code match} is false for "!/pattern/". */
    record Expr(Pattern pattern, boolean anchored, boolean match, int line) {
        Matcher test(String key) {
            Matcher m = pattern.matcher(key);
            boolean hit = anchored ? m.lookingAt() : m.find();
            return hit == match ? m : null;
        }
    }

    sealed interface Node permits Rule, Block {
    }

    record Rule(Expr expr, Replacement result) implements Node {
    }

    record Block(Expr expr, List<Node> body) implements Node {
    }

    /**
     * The stack for a match that overflowed the caller's: java.util.regex recurses once per
     * repetition of a group ("(a|b)*"), about 320 bytes a character, where PCRE needs none.
     * Reserved, not committed: only what the match touches is used. 256 MB covers keys of
     * about 800,000 characters, eight times header_size_limit.
     */
    static final long DEEP_STACK_BYTES = 256L << 20;

    private final Dialect dialect;
    private final String name;
    private final String source;
    private final Set<DictFlag> flags;
    private final List<Node> rules;
    private final Consumer<String> warnings;
    private final long deepStackBytes;

    private PatternDict(Dialect dialect, String name, String source, Set<DictFlag> flags, List<Node> rules,
            Consumer<String> warnings) {
        this(dialect, name, source, flags, rules, warnings, DEEP_STACK_BYTES);
    }

    private PatternDict(Dialect dialect, String name, String source, Set<DictFlag> flags, List<Node> rules,
            Consumer<String> warnings, long deepStackBytes) {
        this.dialect = dialect;
        this.name = name;
        this.source = source;
        this.warnings = warnings;
        this.deepStackBytes = deepStackBytes;
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(flags);
        f.remove(DictFlag.FIXED);
        f.add(DictFlag.PATTERN);
        f.add(DictFlag.READ_ONLY);
        this.flags = Set.copyOf(f);
        this.rules = rules;
    }

    /** Opens a file (relative names against the configuration directory) or an inline "{ {rule}, ... }" table. */
    static PatternDict open(Dialect dialect, String name, Set<DictFlag> flags, DictContext context,
            Consumer<String> warnings) throws DictException {
        String type = dialect.type;
        if (name.isEmpty()) {
            throw new DictException(type + ": expecting \"" + type + ":/path/to/file\" or \"" + type + ":{ {rule}, ... }\"", false);
        }
        if (name.startsWith("{")) {
            List<TableLines.Line> lines;
            try {
                lines = TableLines.inline(name);
            } catch (IllegalArgumentException e) {
                throw new DictException(type + ":" + LogText.printable(name) + ": " + e.getMessage(), false);
            }
            return parse(dialect, name, type + ":" + LogText.printable(name), lines, flags, warnings);
        }
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            throw new DictException(type + ":" + LogText.printable(name) + ": bad file name", false, e);
        }
        if (!file.isAbsolute() && context != null && context.configDirectory() != null) {
            file = context.configDirectory().resolve(file);
        }
        List<TableLines.Line> lines;
        try {
            Path source = file;
            lines = TableLines.read(file, (line, why) -> warnings.accept(type + " map " + source + ", line " + line + ": " + why));
        } catch (NoSuchFileException e) {
            throw new DictException("open " + file + ": No such file or directory", false, e);
        } catch (IOException e) {
            throw new DictException("open " + file + ": " + e.getMessage(), false, e);
        }
        return parse(dialect, name, file.toString(), lines, flags, warnings);
    }

    /**
     * Builds the table from logical lines. Skipped lines go to {@code warnings} as
     * "TYPE map SOURCE, line N: why"; empty results and out-of-range $n make it throw.
     */
    static PatternDict parse(Dialect dialect, String name, String source, List<TableLines.Line> lines,
            Set<DictFlag> flags, Consumer<String> warnings) throws DictException {
        record Open(Expr expr, List<Node> body, int line) {
        }
        Deque<Open> open = new ArrayDeque<>();
        List<Node> top = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean utf8 = flags.contains(DictFlag.UTF8);
        for (TableLines.Line line : lines) {
            String where = dialect.type + " map " + source + ", line " + line.number() + ": ";
            Consumer<String> warn = why -> warnings.accept(where + why);
            String text = line.text();
            try {
                if (isKeyword(text, "if")) {
                    Parsed p = parseExpr(dialect, text.substring(2).stripLeading(), utf8, warn, line.number());
                    if (!p.rest().isBlank()) {
                        warn.accept("ignoring extra text after IF statement: \"" + LogText.printable(p.rest().strip()) + "\"");
                    }
                    open.push(new Open(p.expr(), new ArrayList<>(), line.number()));
                } else if (isKeyword(text, "endif")) {
                    if (open.isEmpty()) {
                        warn.accept("ignoring ENDIF without matching IF");
                        continue;
                    }
                    if (!text.substring(5).isBlank()) {
                        warn.accept("ignoring extra text after ENDIF");
                    }
                    Open block = open.pop();
                    (open.isEmpty() ? top : open.peek().body()).add(new Block(block.expr(), List.copyOf(block.body())));
                } else {
                    Parsed p = parseExpr(dialect, text, utf8, warn, line.number());
                    String value = p.rest().strip();
                    if (value.isEmpty()) {
                        errors.add(where + "empty result value: give the rule a result (Postern refuses empty results)");
                        continue;
                    }
                    Replacement result = replacement(value, p.expr(), where, errors);
                    if (result != null) {
                        (open.isEmpty() ? top : open.peek().body()).add(new Rule(p.expr(), result));
                    }
                }
            } catch (BadRule e) {
                warn.accept(e.getMessage() + ": skipping this rule");
            }
        }
        while (!open.isEmpty()) {
            Open block = open.pop();
            warnings.accept(dialect.type + " map " + source + ", line " + block.line() + ": IF has no matching ENDIF");
            (open.isEmpty() ? top : open.peek().body()).add(new Block(block.expr(), List.copyOf(block.body())));
        }
        if (!errors.isEmpty()) {
            throw new DictException(String.join("; ", errors), false);
        }
        return new PatternDict(dialect, name, source, flags, List.copyOf(top), warnings);
    }

    private static Replacement replacement(String value, Expr expr, String where, List<String> errors) throws BadRule {
        Replacement result;
        try {
            result = Replacement.parse(value);
        } catch (IllegalArgumentException e) {
            throw new BadRule(e.getMessage() + ": bad replacement syntax");
        }
        if (!expr.match() && result.hasGroups()) {
            throw new BadRule("$number found in negative match replacement text");
        }
        int groups = expr.pattern().matcher("").groupCount();
        boolean ok = true;
        for (int g : result.groups()) {
            if (g < 1 || g > groups) {
                errors.add(where + "out of range replacement index \"" + (g == Integer.MAX_VALUE ? "(huge)" : g)
                        + "\": the pattern has " + groups + (groups == 1 ? " group" : " groups"));
                ok = false;
            }
        }
        return ok ? result : null;
    }

    private static boolean isKeyword(String text, String word) {
        return text.regionMatches(true, 0, word, 0, word.length())
                && (text.length() == word.length() || !Character.isLetterOrDigit(text.charAt(word.length())));
    }

    private record Parsed(Expr expr, String rest) {
    }

    /** "[!]DELIMpatternDELIMflags rest": the compiled expression and the text after the flags. */
    private static Parsed parseExpr(Dialect dialect, String text, boolean utf8, Consumer<String> warn, int line)
            throws BadRule {
        int n = text.length();
        int i = 0;
        boolean match = true;
        while (i < n && text.charAt(i) == '!') {
            match = !match;
            i++;
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }
        if (i >= n) {
            throw new BadRule("no regular expression");
        }
        char delim = text.charAt(i);
        if (Character.isLetterOrDigit(delim) || Character.isWhitespace(delim)) {
            throw new BadRule("ignoring unrecognized request");
        }
        int start = ++i;
        while (i < n && text.charAt(i) != delim) {
            i += text.charAt(i) == '\\' && i + 1 < n ? 2 : 1;
        }
        if (i >= n) {
            throw new BadRule("no closing regexp delimiter \"" + delim + "\"");
        }
        String regex = text.substring(start, i++);
        boolean caseless = true;
        boolean multiline = false;
        boolean extended = dialect == Dialect.REGEXP;       // REG_EXTENDED on; PCRE_EXTENDED off
        boolean dotall = true;
        boolean anchored = false;
        boolean dollarEndOnly = false;
        boolean ungreedy = false;
        for (; i < n && !Character.isWhitespace(text.charAt(i)); i++) {
            char f = text.charAt(i);
            if (dialect.flagLetters.indexOf(f) < 0) {
                throw new BadRule("unknown regexp option \"" + f + "\"");
            }
            switch (f) {
                case 'i' -> caseless = !caseless;
                case 'm' -> multiline = !multiline;
                case 'x' -> extended = !extended;
                case 's' -> dotall = !dotall;
                case 'A' -> anchored = !anchored;
                case 'E' -> dollarEndOnly = !dollarEndOnly;
                case 'U' -> ungreedy = !ungreedy;
                default -> warn.accept("ignoring obsolete regexp option \"" + f + "\"");
            }
        }
        int javaFlags = Pattern.UNIX_LINES;
        if (caseless) {
            javaFlags |= Pattern.CASE_INSENSITIVE | (utf8 ? Pattern.UNICODE_CASE : 0);
        }
        String translated;
        try {
            if (dialect == Dialect.REGEXP) {
                translated = RegexTranslator.posix(regex, extended, multiline);
                javaFlags |= multiline ? Pattern.MULTILINE : Pattern.DOTALL;
            } else {
                translated = RegexTranslator.pcre(regex, ungreedy, dollarEndOnly && !multiline, extended);
                javaFlags |= (multiline ? Pattern.MULTILINE : 0) | (dotall ? Pattern.DOTALL : 0) | (extended ? Pattern.COMMENTS : 0);
            }
            return new Parsed(new Expr(Pattern.compile(translated, javaFlags), anchored, match, line), text.substring(i));
        } catch (PatternSyntaxException e) {
            throw new BadRule("error in regex \"" + LogText.printable(regex) + "\": " + e.getDescription());
        }
    }

    @Override
    public String type() {
        return dialect.type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    /** The same table with another stack size for deep matches (tests). */
    PatternDict withDeepStack(long bytes) {
        return new PatternDict(dialect, name, source, flags, rules, warnings, bytes);
    }

    @Override
    public LookupResult lookup(String key) {
        try {
            return result(search(rules, key, false));
        } catch (StackOverflowError e) {
            return deepLookup(key);
        }
    }

    private static LookupResult result(String value) {
        return value == null ? LookupResult.notFound() : LookupResult.found(value);
    }

    /**
     * The lookup again on a thread with a stack big enough for what PCRE matches without one;
     * a rule that still overflows it is what PCRE's match limit is to Postfix: a warning, and
     * the rule does not match.
     */
    private LookupResult deepLookup(String key) {
        String[] value = new String[1];
        Thread matcher = new Thread(null, () -> value[0] = search(rules, key, true), "postern-" + dialect.type + "-deep-match",
                deepStackBytes);
        matcher.setDaemon(true);
        matcher.start();
        try {
            matcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return LookupResult.temporaryFailure(spec() + ": interrupted while matching key \""
                    + LogText.printable(key.length() > 100 ? key.substring(0, 100) : key) + "\"");
        }
        return result(value[0]);
    }

    /** @param lastResort whether a rule whose match overflows the stack is warned about and skipped */
    private String search(List<Node> nodes, String key, boolean lastResort) {
        for (Node node : nodes) {
            if (node instanceof Rule rule) {
                Matcher m = test(rule.expr(), key, lastResort);
                if (m != null) {
                    return rule.expr().match() ? rule.result().expand(m) : rule.result().literal();
                }
            } else if (node instanceof Block block && test(block.expr(), key, lastResort) != null) {
                String value = search(block.body(), key, lastResort);
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    private Matcher test(Expr expr, String key, boolean lastResort) {
        if (!lastResort) {
            return expr.test(key);
        }
        try {
            return expr.test(key);
        } catch (StackOverflowError e) {
            warnings.accept(dialect.type + " map " + source + ", line " + expr.line() + ": match limit exceeded");
            return null;
        }
    }

    /** A line that cannot be used; warned about and skipped. */
    static final class BadRule extends Exception {
        private static final long serialVersionUID = 1L;

        BadRule(String message) {
            super(message);
        }
    }
}
