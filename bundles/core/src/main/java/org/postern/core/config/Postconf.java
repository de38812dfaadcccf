// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * SUMMARY   postconf(1) as pure logic: show and edit main.cf and master.cf.
 * DESCRIPTION
 *   {@code postconf [-dfhHnx] [-c config_dir] [-o name=value] [name ...]} prints parameters
 *   ("name = value", sorted by name for full listings): -d defaults (needs no file at all),
 *   -n settings made in main.cf, -h values only, -H names only, -x expanded values, -f long
 *   lines folded at 80 columns. An unknown name gives "postconf: warning: NAME: unknown
 *   parameter". {@code -e name=value ...}, {@code -X name ...} and {@code -# name ...} edit
 *   main.cf in place ({@link MainCfEditor}). {@code -M}, {@code -F} and {@code -P} print
 *   master.cf entries, fields and "-o" parameters ("*" or an empty part of service/type/name
 *   matches all); with -e, -X or -# they edit master.cf ({@link MasterCfEditor}). -m lists
 *   the table types, -l the mailbox locks, -a and -A the SASL types. Which options combine is
 *   Postfix's rule ({@link PostconfOptions}). Output and errors go to the given writers, never
 *   to System.out; the return value is the exit status (0 success, 1 error).
 * SECURITY  Arguments come from the (local, trusted) administrator; edits write the main.cf
 *           or master.cf of the chosen config directory and nothing else.
 * BUGS      -b, -t (bounce templates), -T (Postfix's OpenSSL facts) and -C are not
 *           implemented; "-d" lists only the parameters of the given {@link ParameterTable}
 *           (core's, and those of the plugins installed now: none offline). Unlike
 *           Postfix, a value that fails validation (or a loop) makes listing fail with the
 *           error rather than print the text. docs/postfix-differences.md lists every
 *           difference the differential tests know of.
 */
public final class Postconf {

    /**
     * The table types of core itself, for -m when no registry is at hand (bin/postconf while
     * Postern is stopped). Names only: the offline class path has no table libraries to load.
     * The same types as {@code dict.builtin.CoreTables} (a test holds them equal).
     */
    public static final Set<String> CORE_TABLE_TYPES = Set.of("cache", "environ", "fail", "filtermap", "inline",
            "pipemap", "proxy", "randmap", "static", "texthash", "unionmap", "unix");

    private final ConfigEnvironment env;
    private final Set<String> tableTypes;
    private final ParameterTable table;
    private final PrintWriter out;
    private final PrintWriter err;
    private Path configDir;
    private boolean explicitConfigDir;
    private PostconfOptions opts;
    private List<String> operands = List.of();
    private List<String> overrides = List.of();

    private Postconf(Path defaultConfigDir, ConfigEnvironment env, Set<String> tableTypes, ParameterTable table,
                     PrintWriter out, PrintWriter err) {
        this.env = env;
        this.tableTypes = tableTypes;
        this.table = table;
        this.out = out;
        this.err = err;
        this.configDir = defaultConfigDir;
    }

    /**
     * Runs one postconf command line, with core's table types for -m.
     *
     * @param defaultConfigDir where main.cf and master.cf are read unless "-c" says otherwise
     * @param env              runtime defaults (config_directory, queue/data directories, hostname)
     * @return the exit status
     */
    public static int run(Path defaultConfigDir, ConfigEnvironment env, List<String> args, PrintWriter out,
                          PrintWriter err) {
        return run(defaultConfigDir, env, CORE_TABLE_TYPES, args, out, err);
    }

    /** As {@link #run(Path, ConfigEnvironment, List, PrintWriter, PrintWriter)}, -m listing {@code tableTypes}. */
    public static int run(Path defaultConfigDir, ConfigEnvironment env, Set<String> tableTypes, List<String> args,
                          PrintWriter out, PrintWriter err) {
        return run(defaultConfigDir, env, tableTypes, ParameterTable.standard(), args, out, err);
    }

    /**
     * As {@link #run(Path, ConfigEnvironment, Set, List, PrintWriter, PrintWriter)}, knowing the
     * parameters of {@code table}: core's plus those of the plugins installed now.
     */
    public static int run(Path defaultConfigDir, ConfigEnvironment env, Set<String> tableTypes, ParameterTable table,
                          List<String> args, PrintWriter out, PrintWriter err) {
        Postconf p = new Postconf(defaultConfigDir, env, tableTypes, table, out, err);
        try {
            try {
                p.opts = PostconfOptions.parse(args);
            } catch (PostconfOptions.Refused r) {
                if (r.warning != null) {
                    err.println("postconf: " + r.warning);
                }
                throw new Fatal(r.getMessage());
            }
            p.operands = p.opts.operands;
            p.overrides = p.opts.overrides;
            if (p.opts.configDir != null) {
                p.configDir = p.opts.configDir;
                p.explicitConfigDir = true;
            }
            return p.execute();
        } catch (Fatal f) {
            err.println("postconf: fatal: " + f.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Ends the command with "postconf: fatal: ...". */
    private static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message, null, false, false);
        }
    }

    private boolean has(PostconfOptions.Option o) {
        return opts.has(o);
    }

    private int execute() throws Fatal {
        if (has(PostconfOptions.Option.BOUNCE_EXPAND) || has(PostconfOptions.Option.BOUNCE_DUMP)) {
            throw new Fatal("-b and -t (bounce templates) are not implemented");
        }
        if (has(PostconfOptions.Option.TLS)) {
            throw new Fatal("-T is not implemented (Postern's TLS is the JDK's, not OpenSSL)");
        }
        if (has(PostconfOptions.Option.PARAM_CLASS)) {
            throw new Fatal("-C is not implemented");
        }
        if (has(PostconfOptions.Option.MAPS)) {
            new java.util.TreeSet<>(tableTypes).forEach(out::println);
            return 0;
        }
        if (has(PostconfOptions.Option.LOCKS)) {
            // mailbox_delivery_lock: Java has one kind of kernel lock, used for both names.
            List.of("flock", "fcntl", "dotlock").forEach(out::println);
            return 0;
        }
        boolean master = has(PostconfOptions.Option.MASTER_ENTRIES) || has(PostconfOptions.Option.MASTER_FIELDS)
                || has(PostconfOptions.Option.MASTER_PARAMS);
        if (master && !opts.edits()) {
            return showMaster();
        }
        if (has(PostconfOptions.Option.SASL_SERVER)) {
            out.println("dovecot"); // smtpd_sasl_type values
            return 0;
        }
        if (has(PostconfOptions.Option.SASL_CLIENT)) {
            return 0; // the smtp client's SASL is built in: there is no smtp_sasl_type to choose
        }
        if (opts.edits()) {
            if (operands.isEmpty()) {
                throw new Fatal("missing service argument");
            }
            return master ? editMaster() : editMain();
        }
        return parameters();
    }

    private Path mainCfPath() {
        return configDir.resolve("main.cf");
    }

    private Path masterCfPath() {
        return configDir.resolve("master.cf");
    }

    private int editMain() throws Fatal {
        Map<String, String> set = new LinkedHashMap<>();
        if (has(PostconfOptions.Option.EDIT)) {
            for (String op : operands) {
                try {
                    String[] nv = MainCf.splitNameValue(op);
                    set.put(nv[0], nv[1]);
                } catch (IllegalArgumentException e) {
                    throw new Fatal(e.getMessage());
                }
            }
        }
        List<String> remove = has(PostconfOptions.Option.EXCLUDE) ? names() : List.of();
        List<String> commentOut = has(PostconfOptions.Option.COMMENT_OUT) ? names() : List.of();
        try {
            MainCfEditor.edit(mainCfPath(), set, remove, commentOut);
        } catch (NoSuchFileException e) {
            throw new Fatal("open " + e.getFile() + ": No such file or directory");
        } catch (IOException e) {
            throw new Fatal("edit " + mainCfPath() + ": " + e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new Fatal(e.getMessage());
        }
        return 0;
    }

    private List<String> names() throws Fatal {
        for (String op : operands) {
            if (op.isEmpty() || op.chars().anyMatch(c -> c == '=' || Character.isWhitespace(c))) {
                throw new Fatal("bad parameter name: \"" + op + "\"");
            }
        }
        return operands;
    }

    private int editMaster() throws Fatal {
        MasterCfEditor.Action action;
        boolean edit = has(PostconfOptions.Option.EDIT);
        if (has(PostconfOptions.Option.MASTER_ENTRIES)) {
            action = edit ? MasterCfEditor.Action.SET_ENTRY : has(PostconfOptions.Option.EXCLUDE)
                    ? MasterCfEditor.Action.REMOVE_ENTRY : MasterCfEditor.Action.COMMENT_ENTRY;
        } else if (has(PostconfOptions.Option.MASTER_FIELDS)) {
            action = MasterCfEditor.Action.SET_FIELD;
        } else {
            action = edit ? MasterCfEditor.Action.SET_PARAMETER : MasterCfEditor.Action.REMOVE_PARAMETER;
        }
        Path file = masterCfPath();
        try {
            List<String> lines = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).lines().toList()
                    : List.of();
            List<String> edited = MasterCfEditor.apply(lines, action, operands,
                    w -> err.println("postconf: warning: " + w));
            MainCfEditor.writeAtomically(file, edited);
        } catch (MasterCfEditor.Refused e) {
            throw new Fatal(e.getMessage());
        } catch (IOException e) {
            throw new Fatal("edit " + file + ": " + e.getMessage());
        } catch (ConfigException e) {
            throw new Fatal(file + ": " + e.getMessage());
        }
        return 0;
    }

    private MasterCf readMaster(boolean required) throws Fatal {
        Path file = masterCfPath();
        if (!Files.exists(file)) {
            String msg = "open " + file + ": No such file or directory";
            if (required) {
                throw new Fatal(msg);
            }
            err.println("postconf: warning: " + msg);
            return null;
        }
        try {
            return MasterCf.read(file);
        } catch (IOException e) {
            throw new Fatal("open " + file + ": " + e.getMessage());
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        }
    }

    /** -M, -F or -P: the master.cf entries, fields or "-o" parameters that the operands select. */
    private int showMaster() throws Fatal {
        MasterCf master = readMaster(true);
        PostfixConfig config = load();
        List<String> unmatched = new ArrayList<>(operands);
        for (MasterService s : master.services()) {
            if (has(PostconfOptions.Option.MASTER_ENTRIES)) {
                if (select(unmatched, p -> matches(p.split("/", -1), s))) {
                    out.println(PostconfFormat.masterEntry(s, has(PostconfOptions.Option.FOLD)));
                }
            } else if (has(PostconfOptions.Option.MASTER_FIELDS)) {
                showFields(s, unmatched);
            } else {
                showParameters(s, config, unmatched);
            }
        }
        for (String u : unmatched) {
            err.println("postconf: warning: unmatched request: \"" + u + "\"");
        }
        for (String w : UsageCheck.duplicateWarnings(config.mainCf())) {
            err.println("postconf: warning: " + w);
        }
        for (String w : UsageCheck.masterWarnings(config, master)) {
            err.println("postconf: warning: " + w);
        }
        return 0;
    }

    /** Whether any operand selects; every operand that does is no longer unmatched. No operands select all. */
    private boolean select(List<String> unmatched, java.util.function.Predicate<String> selects) {
        if (operands.isEmpty()) {
            return true;
        }
        boolean any = false;
        for (String p : operands) {
            if (selects.test(p)) {
                any = true;
                unmatched.remove(p);
            }
        }
        return any;
    }

    private void showFields(MasterService s, List<String> unmatched) throws Fatal {
        for (String p : operands) {
            String[] parts = p.split("/", -1);
            if (parts.length >= 3 && !parts[2].isEmpty() && !parts[2].equals("*")
                    && !MasterService.FIELD_NAMES.contains(parts[2])) {
                throw new Fatal("invalid service attribute name: \"" + parts[2] + "\"");
            }
        }
        List<String> values = s.fields();
        for (int f = 0; f < MasterService.FIELD_NAMES.size(); f++) {
            String field = MasterService.FIELD_NAMES.get(f);
            boolean selected = select(unmatched, p -> {
                String[] parts = p.split("/", -1);
                return matches(parts, s) && (parts.length < 3 || wild(parts[2], field));
            });
            if (selected) {
                print(s.key() + "/" + field, values.get(f));
            }
        }
    }

    private void showParameters(MasterService s, PostfixConfig config, List<String> unmatched) throws Fatal {
        for (Map.Entry<String, String> o : new TreeMap<>(s.overrides()).entrySet()) {
            boolean selected = select(unmatched, p -> {
                String[] parts = p.split("/", -1);
                return matches(parts, s) && (parts.length < 3 || wild(parts[2], o.getKey()));
            });
            if (selected) {
                String value = o.getValue();
                if (has(PostconfOptions.Option.EXPAND)) {
                    try {
                        value = config.expand(value);
                    } catch (ConfigException e) {
                        throw new Fatal(e.getMessage());
                    }
                }
                print(s.key() + "/" + o.getKey(), value);
            }
        }
    }

    private static boolean matches(String[] pattern, MasterService s) {
        return wild(pattern[0], s.service()) && (pattern.length < 2 || wild(pattern[1], s.type()));
    }

    private static boolean wild(String pattern, String value) {
        return pattern.isEmpty() || pattern.equals("*") || pattern.equals(value);
    }

    private int parameters() throws Fatal {
        boolean defaults = has(PostconfOptions.Option.DEFAULTS);
        PostfixConfig config = defaults ? PostfixConfig.defaults(table, env) : load();
        MasterCf master = readMaster(false);
        Map<String, String> services = ServiceParameters.of(master);
        Set<String> used = defaults ? Set.of() : UsageCheck.used(config, master);
        Map<String, String> listing = new TreeMap<>();
        if (operands.isEmpty()) {
            if (defaults) {
                table.definitions().forEach(d -> listing.put(d.name(), value(config, d.name())));
            } else if (has(PostconfOptions.Option.NON_DEFAULT)) {
                for (ConfigEntry e : config.nonDefault()) {
                    if (UsageCheck.isListed(config, used, e.name())) {
                        listing.put(e.name(), value(config, e.name()));
                    }
                }
            } else {
                for (String name : config.names()) {
                    if (UsageCheck.isListed(config, used, name)) {
                        listing.put(name, value(config, name));
                    }
                }
            }
            if (!has(PostconfOptions.Option.NON_DEFAULT)) {
                for (Map.Entry<String, String> e : services.entrySet()) {
                    listing.putIfAbsent(e.getKey(), serviceValue(config, e.getKey(), e.getValue()));
                }
            }
            listing.forEach(this::print);
        } else {
            for (String name : operands) {
                boolean listed = defaults ? table.isKnown(name)
                        : config.find(name).isPresent() && UsageCheck.isListed(config, used, name);
                if (!listed && services.containsKey(name) && !table.isKnown(name)) {
                    if (!has(PostconfOptions.Option.NON_DEFAULT) || config.find(name).isPresent()) {
                        print(name, serviceValue(config, name, services.get(name)));
                    }
                } else if (!listed) {
                    err.println("postconf: warning: " + name + ": unknown parameter");
                } else if (!has(PostconfOptions.Option.NON_DEFAULT) || !config.isDefault(name)) {
                    print(name, value(config, name));
                }
            }
        }
        if (!defaults) {
            for (String w : UsageCheck.warnings(config, master)) {
                err.println("postconf: warning: " + w);
            }
        }
        return 0;
    }

    /** A per-transport parameter's value: its main.cf setting or its default, expanded with -x. */
    private String serviceValue(PostfixConfig config, String name, String defaultValue) throws Fatal {
        String raw = has(PostconfOptions.Option.DEFAULTS) ? defaultValue
                : Optional.ofNullable(config.raw(name)).orElse(defaultValue);
        if (!has(PostconfOptions.Option.EXPAND)) {
            return raw;
        }
        try {
            return config.expand(raw);
        } catch (ConfigException e) {
            throw new Fatal(e.getMessage());
        }
    }

    private PostfixConfig load() throws Fatal {
        Path file = mainCfPath();
        try {
            MainCf cf = MainCf.read(file);
            List<ConfigEntry> extra = new ArrayList<>();
            if (explicitConfigDir) {
                // Like Postfix with MAIL_CONFIG set: the directory in use shows up as a setting.
                extra.add(new ConfigEntry("config_directory", configDir.toString(), null, 0));
            }
            for (String o : overrides) {
                String[] nv = MainCf.splitNameValue(o);
                extra.add(new ConfigEntry(nv[0], nv[1], null, 0));
            }
            PostfixConfig config = PostfixConfig.of(table, env, cf);
            return extra.isEmpty() ? config : config.withOverrides(extra);
        } catch (NoSuchFileException e) {
            throw new Fatal("open " + file + ": No such file or directory");
        } catch (IOException e) {
            throw new Fatal("open " + file + ": " + e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new Fatal(e.getMessage());
        }
    }

    private String value(PostfixConfig config, String name) {
        // Postfix's postconf -x leaves its "raw" parameters as written, as the agents read them.
        boolean expand = has(PostconfOptions.Option.EXPAND) && !table.isTemplate(name);
        if (has(PostconfOptions.Option.DEFAULTS)) {
            String def = config.defaultValue(name);
            return expand ? config.get(name) : Optional.ofNullable(def).orElse("");
        }
        return expand ? config.get(name) : Optional.ofNullable(config.raw(name)).orElse("");
    }

    private void print(String name, String value) {
        if (has(PostconfOptions.Option.HIDE_VALUE)) {
            out.println(name);
            return;
        }
        out.println(PostconfFormat.parameter(name, value, has(PostconfOptions.Option.HIDE_NAME),
                has(PostconfOptions.Option.FOLD)));
    }
}
