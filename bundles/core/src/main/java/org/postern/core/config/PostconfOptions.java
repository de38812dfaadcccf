// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.postern.core.cli.Getopt;

/**
 * SUMMARY   postconf's command line: the options, the mode they select, and Postfix's rules for
 *           which options combine.
 * DESCRIPTION
 *   Options are parsed as getopt does without argument permutation: clusters ("-nf"), "-c",
 *   "-C", "-o" and "-T" take an argument (attached or next), parsing stops at "--" or at the
 *   first operand. One major mode is chosen (-a -A -b -l -m -t -T, or -p/-M/-F/-P; -p when
 *   none is given). With -p/-M/-F/-P an operand containing "=" implies -e. Then, as postconf(1)
 *   does: modifiers that exclude each other give "specify one of -x -y", modifiers a mode does
 *   not take give "with option -M, do not specify -n", and an unknown option or a missing
 *   argument gives getopt's message and the usage text.
 * SECURITY  Arguments come from the local administrator.
 */
final class PostconfOptions {

    /** postconf's options, in the order Postfix lists them in its messages. */
    enum Option {
        SASL_SERVER('a'), SASL_CLIENT('A'), BOUNCE_EXPAND('b'), PARAM_CLASS('C'), DEFAULTS('d'), EDIT('e'),
        FOLD('f'), MASTER_FIELDS('F'), HIDE_NAME('h'), HIDE_VALUE('H'), LOCKS('l'), MAPS('m'),
        MASTER_ENTRIES('M'), NON_DEFAULT('n'), OVERRIDE('o'), MAIN('p'), MASTER_PARAMS('P'), BOUNCE_DUMP('t'),
        TLS('T'), EXPAND('x'), EXCLUDE('X'), COMMENT_OUT('#');

        final char letter;

        Option(char letter) {
            this.letter = letter;
        }

        String flag() {
            return "-" + letter;
        }

        static Option of(char c) {
            for (Option o : values()) {
                if (o.letter == c) {
                    return o;
                }
            }
            return null;
        }
    }

    /** The major modes; exactly one is in effect. */
    static final Set<Option> MODES = EnumSet.of(Option.SASL_SERVER, Option.SASL_CLIENT, Option.BOUNCE_EXPAND,
            Option.LOCKS, Option.MAPS, Option.BOUNCE_DUMP, Option.TLS, Option.MAIN, Option.MASTER_ENTRIES,
            Option.MASTER_FIELDS, Option.MASTER_PARAMS);

    /** Modifier groups of which at most one may be given. */
    private static final List<Set<Option>> EXCLUSIVE = List.of(
            EnumSet.of(Option.DEFAULTS, Option.EDIT, Option.NON_DEFAULT, Option.COMMENT_OUT, Option.EXCLUDE),
            EnumSet.of(Option.FOLD, Option.EDIT, Option.COMMENT_OUT, Option.EXCLUDE),
            EnumSet.of(Option.EXPAND, Option.EDIT, Option.COMMENT_OUT, Option.EXCLUDE),
            EnumSet.of(Option.OVERRIDE, Option.DEFAULTS, Option.EDIT, Option.COMMENT_OUT, Option.EXCLUDE),
            EnumSet.of(Option.HIDE_NAME, Option.EDIT, Option.COMMENT_OUT, Option.EXCLUDE, Option.HIDE_VALUE));

    /** What each mode (and -C) may be combined with; checked in this order. */
    private static final Map<Option, Set<Option>> COMPATIBLE = compatibility();

    private static Map<Option, Set<Option>> compatibility() {
        Map<Option, Set<Option>> m = new java.util.LinkedHashMap<>();
        for (Option info : List.of(Option.SASL_SERVER, Option.SASL_CLIENT, Option.BOUNCE_EXPAND, Option.LOCKS,
                Option.MAPS, Option.BOUNCE_DUMP, Option.TLS)) {
            m.put(info, EnumSet.noneOf(Option.class));
        }
        m.put(Option.MAIN, EnumSet.of(Option.EDIT, Option.EXCLUDE, Option.COMMENT_OUT, Option.FOLD,
                Option.HIDE_NAME, Option.HIDE_VALUE, Option.PARAM_CLASS, Option.EXPAND, Option.DEFAULTS,
                Option.NON_DEFAULT, Option.OVERRIDE));
        m.put(Option.MASTER_ENTRIES, EnumSet.of(Option.EDIT, Option.EXCLUDE, Option.COMMENT_OUT, Option.FOLD,
                Option.OVERRIDE, Option.EXPAND));
        m.put(Option.MASTER_FIELDS, EnumSet.of(Option.EDIT, Option.FOLD, Option.HIDE_NAME, Option.HIDE_VALUE,
                Option.OVERRIDE, Option.EXPAND));
        m.put(Option.MASTER_PARAMS, EnumSet.of(Option.EDIT, Option.EXCLUDE, Option.FOLD, Option.HIDE_NAME,
                Option.HIDE_VALUE, Option.OVERRIDE, Option.EXPAND));
        m.put(Option.PARAM_CLASS, EnumSet.of(Option.MAIN, Option.DEFAULTS, Option.NON_DEFAULT));
        return m;
    }

    /** Postfix 3.7's usage text, with the program name as given. */
    static String usage(String program) {
        return "usage: " + program + " [-a (server SASL types)] [-A (client SASL types)] [-b (bounce templates)]"
                + " [-c config_dir] [-c param_class] [-d (parameter defaults)] [-e (edit configuration)]"
                + " [-f (fold lines)] [-F (master.cf fields)] [-h (no names)] [-H (no values)] [-l (lock types)]"
                + " [-m (map types)] [-M (master.cf)] [-n (non-default parameters)]"
                + " [-o name=value (override parameter value)] [-p (main.cf, default)] [-P (master.cf parameters)]"
                + " [-t (bounce templates)] [-T compile-version|run-version|public-key-algorithms] [-v (verbose)]"
                + " [-x (expand parameter values)] [-X (exclude)] [-# (comment-out)] [name...]";
    }

    /** A command line postconf refuses: getopt's complaint (or null) and the fatal message. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String warning;

        Refused(String warning, String fatal) {
            super(fatal, null, false, false);
            this.warning = warning;
        }
    }

    final Set<Option> options = EnumSet.noneOf(Option.class);
    final List<String> overrides = new ArrayList<>();
    final List<String> operands = new ArrayList<>();
    Path configDir;
    String paramClass;
    String tlsRequest;

    private PostconfOptions() {
    }

    static PostconfOptions parse(List<String> args) throws Refused {
        PostconfOptions p = new PostconfOptions();
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(args, "cCoT");
        } catch (Getopt.MissingArgument e) {
            throw new Refused("option requires an argument -- '" + e.letter() + "'", usage("postconf"));
        }
        for (Getopt.Opt opt : parsed.options()) {
            char c = opt.letter();
            if (opt.value() != null) {
                p.argument(c, opt.value());
            } else if (c != 'v') { // -v: Postfix's verbose logging, nothing to add here
                Option o = Option.of(c);
                if (o == null) {
                    throw new Refused("invalid option -- '" + c + "'", usage("postconf"));
                }
                p.options.add(o);
            }
        }
        p.operands.addAll(parsed.operands());
        p.explicit();
        p.check();
        return p;
    }

    private void argument(char c, String value) {
        switch (c) {
            case 'c' -> configDir = Path.of(value);
            case 'C' -> {
                options.add(Option.PARAM_CLASS);
                paramClass = value;
            }
            case 'o' -> {
                options.add(Option.OVERRIDE);
                overrides.add(value);
            }
            default -> {
                options.add(Option.TLS);
                tlsRequest = value;
            }
        }
    }

    /** Adds the implied options: -p without another mode, -e for "name=value" operands. */
    private void explicit() {
        if (options.stream().noneMatch(MODES::contains)) {
            options.add(Option.MAIN);
        }
        boolean mainOrMaster = has(Option.MAIN) || has(Option.MASTER_ENTRIES) || has(Option.MASTER_FIELDS)
                || has(Option.MASTER_PARAMS);
        if (mainOrMaster && !operands.isEmpty() && operands.get(0).contains("=")) {
            options.add(Option.EDIT);
        }
    }

    private void check() throws Refused {
        List<Set<Option>> groups = new ArrayList<>();
        groups.add(MODES);
        groups.addAll(EXCLUSIVE);
        for (Set<Option> group : groups) {
            Set<Option> given = EnumSet.noneOf(Option.class);
            given.addAll(options);
            given.retainAll(group);
            if (given.size() > 1) {
                throw new Refused(null, "specify one of " + flags(given));
            }
        }
        for (Map.Entry<Option, Set<Option>> rule : COMPATIBLE.entrySet()) {
            if (!has(rule.getKey())) {
                continue;
            }
            Set<Option> excess = EnumSet.noneOf(Option.class);
            excess.addAll(options);
            excess.remove(rule.getKey());
            excess.removeAll(rule.getValue());
            if (!excess.isEmpty()) {
                throw new Refused(null, "with option " + rule.getKey().flag() + ", do not specify " + flags(excess));
            }
        }
        if (has(Option.EDIT) && operands.isEmpty()) {
            throw new Refused(null, "-e requires name=value argument");
        }
    }

    private static String flags(Set<Option> set) {
        return set.stream().map(Option::flag).collect(Collectors.joining(" "));
    }

    boolean has(Option o) {
        return options.contains(o);
    }

    /** -e, -X or -#: the command changes a file. */
    boolean edits() {
        return has(Option.EDIT) || has(Option.EXCLUDE) || has(Option.COMMENT_OUT);
    }
}
