// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictWriter;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   postmap/postalias changing tables: build from a file, -i (add from stdin), -d (delete).
 * DESCRIPTION
 *   Building reads the source file (postmap: "key value"; postalias: aliases(5)), folds keys
 *   to lower case unless -f, and writes a new version through {@link DictWriter}, which
 *   replaces the live table in one step. The first of duplicate keys wins, with Postfix's
 *   warning "TYPE:NAME: duplicate entry: "key"". postalias adds the "@" → "@" entry Sendmail
 *   looks for. -i reads entries from standard input into the live table, warning about keys
 *   already there and keeping them, as Postfix's postmap -i does. -d exits 0 when the key
 *   was there, 1 when not. Messages and exit statuses follow Postfix 3.7's tools.
 * SECURITY  Source files and standard input are the administrator's.
 * BUGS      -i and -d need the table to exist (Postfix creates it). postalias does not write
 *           the NIS entries YP_LAST_MODIFIED and YP_MASTER_NAME. -N/-n/-r/-w are not offered.
 */
public final class PostmapBuild {

    /** postmap or postalias: source syntax, program name in messages. */
    public enum Format { POSTMAP, POSTALIAS }

    private final DictInventory inventory;
    private final Format format;
    private final String program;

    public PostmapBuild(DictInventory inventory, Format format) {
        this.inventory = inventory;
        this.format = format;
        this.program = format == Format.POSTMAP ? "postmap" : "postalias";
    }

    /**
     * Builds {@code spec} from {@code source}. {@code typed} is the table as the administrator
     * wrote it, for messages.
     */
    public int build(String typed, String spec, Path source, boolean foldCase, PrintWriter err) {
        List<String> lines;
        try {
            lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            err.println(program + ": fatal: open " + source + ": No such file or directory");
            return 1;
        } catch (IOException e) {
            err.println(program + ": fatal: open " + source + ": " + e.getMessage());
            return 1;
        }
        Consumer<String> warn = warner(err);
        List<TableSource.Entry> entries = entries(lines, displayName(typed), warn);
        try (DictWriter writer = inventory.createFresh(spec, EnumSet.noneOf(DictFlag.class), warn)) {
            for (TableSource.Entry entry : entries) {
                String key = fold(entry.key(), foldCase);
                if (!writer.put(key, entry.value())) {
                    warn.accept(typed + ": duplicate entry: \"" + LogText.printable(key) + "\"");
                }
            }
            if (format == Format.POSTALIAS) {
                writer.put("@", "@");
            }
            writer.commit();
            return 0;
        } catch (DictException e) {
            err.println(program + ": fatal: " + e.getMessage());
            return 1;
        }
    }

    /** -i: entries from {@code stdin} into the live table; keys already there stay. */
    public int incremental(String typed, String spec, BufferedReader stdin, boolean foldCase, PrintWriter err) {
        Consumer<String> warn = warner(err);
        List<String> lines = new ArrayList<>();
        try {
            for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            err.println(program + ": fatal: reading standard input: " + e.getMessage());
            return 1;
        }
        try (Dict dict = inventory.openFresh(spec, flags(foldCase), warn)) {
            for (TableSource.Entry entry : entries(lines, "stdin", warn)) {
                String key = fold(entry.key(), foldCase);
                LookupResult existing = dict.lookup(key);
                if (existing instanceof LookupResult.Found) {
                    warn.accept(typed + ": duplicate entry: \"" + LogText.printable(key) + "\"");
                } else if (existing.isFailure()) {
                    err.println(program + ": fatal: table " + typed + ": query error");
                    return 1;
                } else {
                    dict.update(key, entry.value());
                }
            }
            return 0;
        } catch (DictException e) {
            err.println(program + ": fatal: " + e.getMessage());
            return 1;
        }
    }

    /** -d: removes each key; 0 when at least one was there, 1 otherwise. */
    public int delete(String spec, List<String> keys, boolean foldCase, PrintWriter err) {
        boolean any = false;
        try (Dict dict = inventory.openFresh(spec, flags(foldCase), warner(err))) {
            for (String key : keys) {
                any |= dict.delete(fold(key, foldCase));
            }
            return any ? 0 : 1;
        } catch (DictException e) {
            err.println(program + ": fatal: " + e.getMessage());
            return 1;
        }
    }

    private List<TableSource.Entry> entries(List<String> lines, String source, Consumer<String> warn) {
        return format == Format.POSTMAP ? TableSource.postmap(lines, source, warn) : TableSource.aliases(lines, source, warn);
    }

    private Consumer<String> warner(PrintWriter err) {
        return w -> err.println(program + ": warning: " + w);
    }

    /** Postfix names the source in line warnings as typed, without the type: "aliases, line 7". */
    private static String displayName(String typed) {
        int colon = typed.indexOf(':');
        return colon < 0 ? typed : typed.substring(colon + 1);
    }

    private static Set<DictFlag> flags(boolean foldCase) {
        return foldCase ? EnumSet.of(DictFlag.FOLD_CASE) : EnumSet.noneOf(DictFlag.class);
    }

    private static String fold(String key, boolean foldCase) {
        return foldCase ? key.toLowerCase(Locale.ROOT) : key;
    }
}
