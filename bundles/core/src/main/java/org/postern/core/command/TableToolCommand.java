// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.postern.core.dict.DictInventory;
import org.postern.core.dict.Postmap;
import org.postern.core.dict.PostmapBuild;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   What postern:postmap and postern:postalias share: options, table names, dispatch.
 * DESCRIPTION
 *   Without -q/-Q/-s/-i/-d each argument "[type:]file" is built from file; the type defaults
 *   to main.cf's default_database_type (lmdb). Relative file names are the caller's: the bin/
 *   wrappers pass their working directory.
 */
abstract class TableToolCommand extends PosternAction {

    @Option(name = "-q", description = "Print the value of KEY from the first table that has it; '-' reads keys from standard input")
    String key;

    @Option(name = "-Q", description = "Read keys from standard input, print 'key<TAB>value' for each found (same as -q -)")
    boolean keysOnStdin;

    @Option(name = "-s", description = "Print every entry of the tables")
    boolean dump;

    @Option(name = "-f", description = "Do not fold keys to lower case (as Postfix's -f)")
    boolean noFold;

    @Option(name = "-i", description = "Incremental: add 'key value' lines from standard input to the existing table")
    boolean incremental;

    @Option(name = "-d", description = "Delete KEY from the tables ('-' reads keys from standard input); exit 1 if none had it")
    String deleteKey;

    @Argument(name = "tables", description = "[type:]file ...", multiValued = true, required = true)
    @Completion(TableTypeCompleter.class)
    List<String> tables = new ArrayList<>();

    @Reference
    DictInventory inventory;

    @Reference(optional = true)
    PosternConfiguration configuration;

    abstract PostmapBuild.Format format();

    private String program() {
        return format() == PostmapBuild.Format.POSTMAP ? "postmap" : "postalias";
    }

    @Override
    protected int run(PrintWriter out, PrintWriter err) throws IOException {
        int modes = (dump ? 1 : 0) + (key != null || keysOnStdin ? 1 : 0) + (deleteKey != null ? 1 : 0);
        if (modes > 1) {
            err.println(program() + ": fatal: specify only one of -s -q or -d");
            return 1;
        }
        if (dump || key != null || keysOnStdin) {
            return query(out, err);
        }
        PostmapBuild build = new PostmapBuild(inventory, format());
        if (deleteKey != null) {
            List<String> keys = "-".equals(deleteKey) ? stdin().lines().map(String::strip).filter(k -> !k.isEmpty()).toList()
                    : List.of(deleteKey);
            int status = 1;
            for (String table : tables) {
                if (build.delete(withType(table).spec(), keys, !noFold, err) == 0) {
                    status = 0;
                }
            }
            return status;
        }
        for (String table : tables) {
            Table t = withType(table);
            int status = incremental ? build.incremental(table, t.spec(), stdin(), !noFold, err)
                    : build.build(table, t.spec(), t.file(), !noFold, err);
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    private int query(PrintWriter out, PrintWriter err) throws IOException {
        Postmap.Mode mode;
        if (dump) {
            mode = Postmap.Mode.DUMP;
        } else if (keysOnStdin || "-".equals(key)) {
            mode = Postmap.Mode.QUERY_STDIN;
        } else {
            mode = Postmap.Mode.QUERY;
        }
        List<String> specs = tables.stream().map(this::relativeToCaller).toList();
        Postmap.Request request = new Postmap.Request(mode, key, specs, !noFold);
        return new Postmap(inventory, format()).run(request, mode == Postmap.Mode.QUERY_STDIN ? stdin() : null, out, err);
    }

    /** A table to change: its source file (the caller's) and "type:/absolute/file". */
    record Table(Path file, String spec) {
    }

    private Table withType(String table) {
        int colon = table.indexOf(':');
        String type = colon < 0 ? defaultDatabaseType() : table.substring(0, colon);
        Path file = resolveAgainstCallerDirectory(colon < 0 ? table : table.substring(colon + 1));
        return new Table(file, type + ":" + file);
    }

    private String defaultDatabaseType() {
        if (configuration != null) {
            var loaded = configuration.current();
            if (loaded.isPresent()) {
                return loaded.get().config().main().get("default_database_type");
            }
        }
        return "lmdb";
    }

    /**
     * "cidr:clients.cidr" typed in a shell means the file in the shell's directory, as with
     * Postfix's postmap; names that are not files there (unix:passwd.byname) stay as they are.
     * An indexed table counts when its built file (aliases.lmdb) is there.
     */
    private String relativeToCaller(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return relativeToCaller(defaultDatabaseType() + ":" + spec);
        }
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("{") || name.contains(":")) {
            return spec;
        }
        Path file = resolveAgainstCallerDirectory(name);
        boolean there = Files.exists(file) || Files.exists(Path.of(file + "." + type));
        return there ? type + ":" + file : spec;
    }
}
