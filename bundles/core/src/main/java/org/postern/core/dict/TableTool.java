// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.postern.core.cli.Getopt;

/**
 * SUMMARY   postmap and postalias as commands: options, table names, dispatch to
 *           {@link Postmap} (queries) and {@link PostmapBuild} (building and changing tables).
 * DESCRIPTION
 *   Without -q/-Q/-s/-i/-d each argument "[type:]file" is built from file; the type defaults
 *   to main.cf's default_database_type (lmdb). Relative file names are the caller's: the Karaf
 *   command and the bin/ tools pass the caller's working directory as {@code resolve}.
 *   {@link #parse} reads Postfix's own command line (getopt clusters such as "-fq").
 */
public final class TableTool {

    /** One command line. Exactly one of the modes, or none (build). */
    public record Options(String key, boolean keysOnStdin, boolean dump, boolean noFold, boolean incremental,
                          String deleteKey, List<String> tables) {
        public Options {
            tables = List.copyOf(tables);
        }

        /** Whether the command only reads tables (-q, -Q, -s). */
        public boolean queries() {
            return dump || key != null || keysOnStdin;
        }
    }

    /** A command line Postfix's postmap refuses. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The caller's standard input, opened only when a mode reads it. */
    @FunctionalInterface
    public interface Stdin {
        BufferedReader open() throws IOException;
    }

    private final DictInventory inventory;
    private final PostmapBuild.Format format;
    private final String defaultType;
    private final Function<String, Path> resolve;

    /**
     * @param defaultType default_database_type
     * @param resolve     a file name as the caller meant it (relative to its working directory)
     */
    public TableTool(DictInventory inventory, PostmapBuild.Format format, String defaultType,
                     Function<String, Path> resolve) {
        this.inventory = inventory;
        this.format = format;
        this.defaultType = defaultType;
        this.resolve = resolve;
    }

    /** Postfix's postmap/postalias command line: -N -n -o -p -r -u -v -w -U are accepted and ignored. */
    public static Options parse(String program, List<String> args) throws UsageException {
        String key = null;
        String deleteKey = null;
        boolean keysOnStdin = false;
        boolean dump = false;
        boolean noFold = false;
        boolean incremental = false;
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(args, "cdq");
        } catch (Getopt.MissingArgument e) {
            throw new UsageException(e.getMessage());
        }
        for (Getopt.Opt o : parsed.options()) {
            switch (o.letter()) {
                case 'q' -> key = o.value();
                case 'd' -> deleteKey = o.value();
                case 'Q' -> keysOnStdin = true;
                case 's' -> dump = true;
                case 'f' -> noFold = true;
                case 'i' -> incremental = true;
                case 'c', 'N', 'n', 'o', 'p', 'r', 'u', 'v', 'w', 'U' -> {
                }
                default -> throw new UsageException("usage: " + program
                        + " [-NfinoprsuUvw] [-c config_dir] [-d key] [-q key] [map_type:]file...");
            }
        }
        if (parsed.operands().isEmpty()) {
            throw new UsageException("usage: " + program
                    + " [-NfinoprsuUvw] [-c config_dir] [-d key] [-q key] [map_type:]file...");
        }
        return new Options(key, keysOnStdin, dump, noFold, incremental, deleteKey, parsed.operands());
    }

    private String program() {
        return format == PostmapBuild.Format.POSTMAP ? "postmap" : "postalias";
    }

    public int run(Options o, Stdin stdin, PrintWriter out, PrintWriter err) throws IOException {
        int modes = (o.dump() ? 1 : 0) + (o.key() != null || o.keysOnStdin() ? 1 : 0) + (o.deleteKey() != null ? 1 : 0);
        if (modes > 1) {
            err.println(program() + ": fatal: specify only one of -s -q or -d");
            return 1;
        }
        if (o.queries()) {
            return query(o, stdin, out, err);
        }
        PostmapBuild build = new PostmapBuild(inventory, format);
        if (o.deleteKey() != null) {
            List<String> keys = "-".equals(o.deleteKey())
                    ? stdin.open().lines().map(String::strip).filter(k -> !k.isEmpty()).toList()
                    : List.of(o.deleteKey());
            int status = 1;
            for (String table : o.tables()) {
                if (build.delete(withType(table).spec(), keys, !o.noFold(), err) == 0) {
                    status = 0;
                }
            }
            return status;
        }
        for (String table : o.tables()) {
            Table t = withType(table);
            int status = o.incremental() ? build.incremental(table, t.spec(), stdin.open(), !o.noFold(), err)
                    : build.build(table, t.spec(), t.file(), !o.noFold(), err);
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private int query(Options o, Stdin stdin, PrintWriter out, PrintWriter err) throws IOException {
        Postmap.Mode mode;
        if (o.dump()) {
            mode = Postmap.Mode.DUMP;
        } else if (o.keysOnStdin() || "-".equals(o.key())) {
            mode = Postmap.Mode.QUERY_STDIN;
        } else {
            mode = Postmap.Mode.QUERY;
        }
        List<String> specs = o.tables().stream().map(this::relativeToCaller).toList();
        Postmap.Request request = new Postmap.Request(mode, o.key(), specs, !o.noFold());
        return new Postmap(inventory, format).run(request, mode == Postmap.Mode.QUERY_STDIN ? stdin.open() : null,
                out, err);
    }

    /** A table to change: its source file (the caller's) and "type:/absolute/file". */
    private record Table(Path file, String spec) {
    }

    private Table withType(String table) {
        int colon = table.indexOf(':');
        String type = colon < 0 ? defaultType : table.substring(0, colon);
        Path file = resolve.apply(colon < 0 ? table : table.substring(colon + 1));
        return new Table(file, type + ":" + file);
    }

    /**
     * "cidr:clients.cidr" typed in a shell means the file in the shell's directory, as with
     * Postfix's postmap; names that are not files there (unix:passwd.byname) stay as they are.
     * An indexed table counts when its built file (aliases.lmdb) is there.
     */
    private String relativeToCaller(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return relativeToCaller(defaultType + ":" + spec);
        }
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("{") || name.contains(":")) {
            return spec;
        }
        Path file = resolve.apply(name);
        boolean there = Files.exists(file) || Files.exists(Path.of(file + "." + type));
        return there ? type + ":" + file : spec;
    }
}
