// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.dict.DictInventory;
import org.postern.core.dict.Postmap;

/** postern:postmap - query tables as Postfix's postmap -q / -s does. */
@Command(scope = "postern", name = "postmap", description = "Query lookup tables (postmap -q key type:name ..., -s, -Q)")
@Service
public class PostmapCommand extends PosternAction {

    @Option(name = "-q", description = "Print the value of KEY from the first table that has it; '-' reads keys from standard input")
    String key;

    @Option(name = "-Q", description = "Read keys from standard input, print 'key<TAB>value' for each found (same as -q -)")
    boolean keysOnStdin;

    @Option(name = "-s", description = "Print every entry of the tables as 'key<TAB>value'")
    boolean dump;

    @Option(name = "-f", description = "Do not fold keys to lower case (as Postfix's postmap -f)")
    boolean noFold;

    @Argument(name = "tables", description = "type:name ...", multiValued = true, required = true)
    List<String> tables = new ArrayList<>();

    @Reference
    DictInventory inventory;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        Postmap.Mode mode;
        if (dump) {
            mode = Postmap.Mode.DUMP;
        } else if (keysOnStdin || "-".equals(key)) {
            mode = Postmap.Mode.QUERY_STDIN;
        } else if (key != null) {
            mode = Postmap.Mode.QUERY;
        } else {
            err.println("postmap: fatal: creating tables is not supported yet; use -q, -Q or -s");
            return 1;
        }
        Postmap.Request request = new Postmap.Request(mode, key, tables, !noFold);
        return new Postmap(inventory).run(request, mode == Postmap.Mode.QUERY_STDIN ? stdin() : null, out, err);
    }
}
