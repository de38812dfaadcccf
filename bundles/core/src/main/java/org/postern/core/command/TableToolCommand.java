// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.postern.core.dict.DictInventory;
import org.postern.core.dict.PostmapBuild;
import org.postern.core.dict.TableTool;
import org.postern.core.runtime.PosternConfiguration;

/** What postern:postmap and postern:postalias share: their options, run by {@link TableTool}. */
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
        TableTool.Options options = new TableTool.Options(key, keysOnStdin, dump, noFold, incremental, deleteKey, tables);
        return new TableTool(inventory, format(), defaultDatabaseType(), p -> resolveAgainstCallerDirectory(p))
                .run(options, this::stdin, out, err);
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
}
