// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * "cidr:clients.cidr" typed in a shell means the file in the shell's directory, as with
     * Postfix's postmap; names that are not files there (unix:passwd.byname) stay as they are.
     */
    private String relativeToCaller(String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? "" : spec.substring(colon + 1);
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("{") || name.contains(":")) {
            return spec;
        }
        Path file = resolveAgainstCallerDirectory(name);
        return Files.exists(file) ? spec.substring(0, colon + 1) + file : spec;
    }

    @Override
    protected int run(PrintWriter out, PrintWriter err) throws IOException {
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
        List<String> specs = tables.stream().map(this::relativeToCaller).toList();
        Postmap.Request request = new Postmap.Request(mode, key, specs, !noFold);
        return new Postmap(inventory).run(request, mode == Postmap.Mode.QUERY_STDIN ? stdin() : null, out, err);
    }
}
