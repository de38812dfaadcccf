// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   postmap queries: -q key, -q - / -Q (keys on standard input), -s (dump), -f.
 * DESCRIPTION
 *   Output and exit status as Postfix's postmap(1): a found value on standard output and 0;
 *   nothing and 1 when no table has the key; "postmap: fatal: table T: query error: REASON"
 *   and 1 when a table cannot answer (temporary failure). With several tables, -q prints the
 *   first table's answer that has the key. Keys are folded to lower case unless -f is given
 *   (Postfix's -f means "do not fold").
 *   Tables are opened fresh for each command, so edits to table files show at once.
 * SECURITY  Keys and table names come from the administrator.
 */
public final class Postmap {

    /** What to do, as parsed from the command line. */
    public record Request(Mode mode, String key, List<String> tables, boolean foldCase) {
        public Request {
            tables = List.copyOf(tables);
        }
    }

    public enum Mode { QUERY, QUERY_STDIN, DUMP }

    private final DictInventory inventory;
    private final String program;
    private final String dumpSeparator;

    public Postmap(DictInventory inventory) {
        this(inventory, PostmapBuild.Format.POSTMAP);
    }

    /** For postalias -q/-s: "postalias:" in messages, and -s prints "key:<TAB>value". */
    public Postmap(DictInventory inventory, PostmapBuild.Format format) {
        this.inventory = inventory;
        this.program = format == PostmapBuild.Format.POSTMAP ? "postmap" : "postalias";
        this.dumpSeparator = format == PostmapBuild.Format.POSTMAP ? "\t" : ":\t";
    }

    /** Runs one request; returns the exit status. */
    public int run(Request request, BufferedReader stdin, PrintWriter out, PrintWriter err) {
        if (request.tables().isEmpty()) {
            err.println(program + ": fatal: no table name specified");
            return 1;
        }
        Set<DictFlag> flags = request.foldCase() ? EnumSet.of(DictFlag.FOLD_CASE) : EnumSet.noneOf(DictFlag.class);
        List<Dict> dicts = new ArrayList<>();
        try {
            for (String spec : request.tables()) {
                dicts.add(inventory.openFresh(spec, flags, w -> err.println(program + ": warning: " + w)));
            }
            return switch (request.mode()) {
                case QUERY -> query(dicts, request.key(), out, err, false) ? 0 : 1;
                case QUERY_STDIN -> queryStdin(dicts, stdin, out, err);
                case DUMP -> dump(dicts, out, dumpSeparator);
            };
        } catch (DictException | QueryError e) {
            err.println(program + ": fatal: " + e.getMessage());
            return 1;
        } finally {
            dicts.forEach(DictHandle::closeQuietly);
        }
    }

    private static final class QueryError extends Exception {
        private static final long serialVersionUID = 1L;

        QueryError(String message) {
            super(message);
        }
    }

    private static boolean query(List<Dict> dicts, String key, PrintWriter out, PrintWriter err, boolean withKey)
            throws QueryError {
        for (Dict dict : dicts) {
            LookupResult result = dict.lookup(key);
            if (result instanceof LookupResult.Found found) {
                out.println(withKey ? key + "\t" + found.value() : found.value());
                return true;
            }
            if (result instanceof LookupResult.TemporaryFailure failure) {
                throw new QueryError("table " + dict.spec() + ": query error: " + failure.reason());
            }
            if (result instanceof LookupResult.ConfigurationError failure) {
                throw new QueryError("table " + dict.spec() + ": query error: " + failure.reason());
            }
        }
        return false;
    }

    private static int queryStdin(List<Dict> dicts, BufferedReader stdin, PrintWriter out, PrintWriter err)
            throws QueryError {
        boolean anyFound = false;
        try {
            for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                String key = line.strip();
                if (!key.isEmpty()) {
                    anyFound |= query(dicts, key, out, err, true);
                }
            }
        } catch (IOException e) {
            throw new QueryError("reading keys from standard input: " + e.getMessage());
        }
        return anyFound ? 0 : 1;
    }

    private static int dump(List<Dict> dicts, PrintWriter out, String separator) throws DictException {
        for (Dict dict : dicts) {
            if (!dict.capabilities().contains(DictCapability.ITERATE)) {
                throw new DictException("table " + dict.spec() + ": sequential access is not supported", false);
            }
            dict.forEach((k, v) -> out.println(k + separator + v));
        }
        return 0;
    }
}
