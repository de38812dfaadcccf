// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * SUMMARY   postconf(1) as pure logic: show and edit main.cf, show master.cf.
 * DESCRIPTION
 *   {@code postconf [-dfhnx] [-c config_dir] [-o name=value] [name ...]} prints parameters
 *   ("name = value", sorted by name for full listings): -d defaults (needs no file at all),
 *   -n settings made in main.cf, -h values only, -x expanded values, -f long lines folded at
 *   80 columns. An unknown name gives "postconf: warning: NAME: unknown parameter".
 *   {@code postconf [-c dir] -e name=value ...} and {@code -X name ...} edit main.cf in place.
 *   {@code postconf [-f] -M [service[/type] ...]} prints master.cf entries in postconf's
 *   column layout, {@code -F [service[/type[/field]] ...]} prints their fields ("*" or an
 *   empty part matches all). Output and errors go to the given writers, never to System.out;
 *   the return value is the exit status (0 success, 1 error).
 * SECURITY  Arguments come from the (local, trusted) administrator; -e/-X write the main.cf
 *           of the chosen config directory and nothing else.
 * BUGS      Not implemented: -Me, -Fe, -MX, -P, -p, -a/-A/-b/-l/-m/-t/-T and the other
 *           informational options; "-d" lists only the parameters of {@link ParameterTable}.
 *           Unlike Postfix, a value that fails validation (or a loop) makes listing fail
 *           with the error rather than print the text.
 */
public final class Postconf {

    private static final String USAGE = "usage: postconf [-c config_dir] [-d|-n] [-fhx] [-o name=value]"
            + " [name ...] | -e name=value ... | -X name ... | -M [service[/type] ...] | -F [service[/type[/field]] ...]";

    private final ConfigEnvironment env;
    private final PrintWriter out;
    private final PrintWriter err;
    private Path configDir;
    private boolean explicitConfigDir;
    private final Set<Character> flags = new LinkedHashSet<>();
    private final List<String> overrides = new ArrayList<>();
    private final List<String> operands = new ArrayList<>();

    private Postconf(Path defaultConfigDir, ConfigEnvironment env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.configDir = defaultConfigDir;
    }

    /**
     * Runs one postconf command line.
     *
     * @param defaultConfigDir where main.cf and master.cf are read unless "-c" says otherwise
     * @param env              runtime defaults (config_directory, queue/data directories, hostname)
     * @return the exit status
     */
    public static int run(Path defaultConfigDir, ConfigEnvironment env, List<String> args, PrintWriter out,
                          PrintWriter err) {
        Postconf p = new Postconf(defaultConfigDir, env, out, err);
        try {
            p.parseArgs(args);
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

    private void parseArgs(List<String> args) throws Fatal {
        int i = 0;
        while (i < args.size()) {
            String a = args.get(i);
            if (a.equals("--")) {
                i++;
                break;
            }
            if (!a.startsWith("-") || a.length() < 2) {
                break;
            }
            i++;
            for (int k = 1; k < a.length(); k++) {
                char c = a.charAt(k);
                if (c == 'c' || c == 'o') {
                    String value;
                    if (k + 1 < a.length()) {
                        value = a.substring(k + 1);
                    } else if (i < args.size()) {
                        value = args.get(i++);
                    } else {
                        throw new Fatal("option -" + c + " requires an argument; " + USAGE);
                    }
                    if (c == 'c') {
                        configDir = Path.of(value);
                        explicitConfigDir = true;
                    } else {
                        overrides.add(value);
                    }
                    break;
                }
                if ("dehnxfXMF".indexOf(c) < 0) {
                    throw new Fatal("invalid option -" + c + "; " + USAGE);
                }
                flags.add(c);
            }
        }
        operands.addAll(args.subList(i, args.size()));
        exclusive('d', 'n');
        exclusive('e', 'X');
        for (char edit : new char[] {'e', 'X'}) {
            if (flags.contains(edit) && (flags.contains('M') || flags.contains('F'))) {
                throw new Fatal("-" + edit + " with -M or -F (master.cf editing) is not implemented");
            }
        }
        exclusive('M', 'F');
    }

    private void exclusive(char a, char b) throws Fatal {
        if (flags.contains(a) && flags.contains(b)) {
            throw new Fatal("specify one of -" + a + " -" + b);
        }
    }

    private int execute() throws Fatal {
        if (flags.contains('e')) {
            return edit();
        }
        if (flags.contains('X')) {
            return remove();
        }
        if (flags.contains('M')) {
            return master();
        }
        if (flags.contains('F')) {
            return fields();
        }
        return parameters();
    }

    private Path mainCfPath() {
        return configDir.resolve("main.cf");
    }

    private Path masterCfPath() {
        return configDir.resolve("master.cf");
    }

    private int edit() throws Fatal {
        Map<String, String> set = new LinkedHashMap<>();
        for (String op : operands) {
            try {
                String[] nv = MainCf.splitNameValue(op);
                set.put(nv[0], nv[1]);
            } catch (IllegalArgumentException e) {
                throw new Fatal(e.getMessage());
            }
        }
        return rewrite(set, List.of());
    }

    private int remove() throws Fatal {
        for (String op : operands) {
            if (op.isEmpty() || op.chars().anyMatch(c -> c == '=' || Character.isWhitespace(c))) {
                throw new Fatal("bad parameter name: \"" + op + "\"");
            }
        }
        return rewrite(Map.of(), operands);
    }

    private int rewrite(Map<String, String> set, List<String> remove) throws Fatal {
        if (set.isEmpty() && remove.isEmpty()) {
            throw new Fatal("no parameters given; " + USAGE);
        }
        try {
            MainCfEditor.edit(mainCfPath(), set, remove);
        } catch (NoSuchFileException e) {
            throw new Fatal("open " + e.getFile() + ": No such file or directory");
        } catch (IOException e) {
            throw new Fatal("edit " + mainCfPath() + ": " + e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new Fatal(e.getMessage());
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

    private int master() throws Fatal {
        MasterCf master = readMaster(true);
        for (MasterService s : master.services()) {
            if (operands.isEmpty() || operands.stream().anyMatch(p -> matches(p.split("/", -1), s))) {
                out.println(PostconfFormat.masterEntry(s, flags.contains('f')));
            }
        }
        return 0;
    }

    private int fields() throws Fatal {
        MasterCf master = readMaster(true);
        for (MasterService s : master.services()) {
            for (String field : MasterService.FIELD_NAMES) {
                boolean selected = operands.isEmpty() || operands.stream().anyMatch(p -> {
                    String[] parts = p.split("/", -1);
                    return matches(parts, s) && (parts.length < 3 || wild(parts[2], field));
                });
                if (selected) {
                    out.println(PostconfFormat.masterFields(s, List.of(field)).get(0));
                }
            }
        }
        return 0;
    }

    private static boolean matches(String[] pattern, MasterService s) {
        return wild(pattern[0], s.service()) && (pattern.length < 2 || wild(pattern[1], s.type()));
    }

    private static boolean wild(String pattern, String value) {
        return pattern.isEmpty() || pattern.equals("*") || pattern.equals(value);
    }

    private int parameters() throws Fatal {
        boolean defaults = flags.contains('d');
        PostfixConfig config;
        MasterCf master = null;
        ParameterTable table = ParameterTable.standard();
        if (defaults) {
            config = PostfixConfig.defaults(table, env);
        } else {
            config = load(table);
            master = readMaster(false);
        }
        Set<String> used = defaults ? Set.of() : UsageCheck.used(config, master);
        Map<String, String> listing = new TreeMap<>();
        if (operands.isEmpty()) {
            if (defaults) {
                table.definitions().forEach(d -> listing.put(d.name(), value(config, d.name())));
            } else if (flags.contains('n')) {
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
            listing.forEach(this::print);
        } else {
            for (String name : operands) {
                boolean listed = defaults ? table.isKnown(name)
                        : config.find(name).isPresent() && UsageCheck.isListed(config, used, name);
                if (!listed) {
                    err.println("postconf: warning: " + name + ": unknown parameter");
                } else if (!flags.contains('n') || !config.isDefault(name)) {
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

    private PostfixConfig load(ParameterTable table) throws Fatal {
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
        if (flags.contains('d')) {
            String def = config.defaultValue(name);
            return flags.contains('x') ? config.get(name) : Optional.ofNullable(def).orElse("");
        }
        return flags.contains('x') ? config.get(name) : Optional.ofNullable(config.raw(name)).orElse("");
    }

    private void print(String name, String value) {
        out.println(PostconfFormat.parameter(name, value, flags.contains('h'), flags.contains('f')));
    }
}
