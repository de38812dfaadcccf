// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.core.dict.DictInventory;

/**
 * TAB completion of the "type:" of a table (postern:postmap, postern:postalias): the types
 * registered now, as postern:tables lists them. A completed "type:" is left open for the
 * file name that follows it.
 */
@Service
public class TableTypeCompleter implements Completer {

    @Reference
    DictInventory inventory;

    public TableTypeCompleter() {
    }

    TableTypeCompleter(DictInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        SortedSet<String> prefixes = new TreeSet<>();
        inventory.types().forEach(t -> prefixes.add(t.type() + ":"));
        List<String> matches = new ArrayList<>();
        int position = new StringsCompleter(prefixes).complete(session, commandLine, matches);
        // StringsCompleter ends each match with a space, which would close the argument.
        matches.forEach(m -> candidates.add(m.stripTrailing()));
        return position;
    }
}
