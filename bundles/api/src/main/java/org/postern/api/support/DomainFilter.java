// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   The "domain" setting of networked tables: which keys are worth a query.
 * DESCRIPTION
 *   When set, only user@domain keys with a non-empty local part and a listed domain are
 *   looked up; bare domains, "@domain" and plain "user" keys answer not-found without a
 *   query (Postfix ldap/mysql/pgsql/mongodb_table(5) "domain"). Entries are domain names
 *   (matched whole, case-insensitively), "!domain" (first match wins, as in Postfix match
 *   lists), /file names whose words are such entries, and type:table lookups.
 */
public final class DomainFilter {

    private sealed interface Entry permits Name, Table {
    }

    private record Name(String domain, boolean negated) implements Entry {
    }

    private record Table(Dict dict, boolean negated) implements Entry {
    }

    /** The answer for one key. */
    public enum Verdict { LOOK_UP, SKIP, TEMPORARY_FAILURE }

    private static final DomainFilter ALL = new DomainFilter(List.of());

    private final List<Entry> entries;

    private DomainFilter(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** A filter that lets every key through (no "domain" setting). */
    public static DomainFilter all() {
        return ALL;
    }

    /** Builds the filter from the "domain" setting of {@code config}. */
    public static DomainFilter from(TableConfig config, DictContext context) throws DictException {
        List<Entry> entries = new ArrayList<>();
        for (String item : config.list("domain")) {
            add(item, entries, config, context);
        }
        return new DomainFilter(entries);
    }

    private static void add(String item, List<Entry> entries, TableConfig config, DictContext context)
            throws DictException {
        boolean negated = item.startsWith("!");
        String pattern = negated ? item.substring(1) : item;
        if (pattern.startsWith("/")) {
            try {
                for (String line : Files.readAllLines(Path.of(pattern))) {
                    String content = line.strip();
                    if (!content.isEmpty() && !content.startsWith("#")) {
                        for (String word : content.split("[\\s,]+")) {
                            add(negated ? "!" + word : word, entries, config, context);
                        }
                    }
                }
            } catch (IOException e) {
                throw config.error("domain", "open " + pattern + ": " + e.getMessage());
            }
        } else if (pattern.indexOf(':') > 0) {
            if (context == null || context.registry() == null) {
                throw config.error("domain", "table " + pattern + " needs the table registry");
            }
            entries.add(new Table(context.registry().open(pattern, Set.of(DictFlag.FOLD_CASE)), negated));
        } else {
            entries.add(new Name(pattern.toLowerCase(Locale.ROOT), negated));
        }
    }

    /** Whether {@code key} may be looked up. */
    public Verdict check(String key) {
        if (entries.isEmpty()) {
            return Verdict.LOOK_UP;
        }
        LookupKey parts = LookupKey.of(key);
        if (!parts.isQualifiedAddress()) {
            return Verdict.SKIP;
        }
        String domain = parts.domain().orElseThrow().toLowerCase(Locale.ROOT);
        for (Entry entry : entries) {
            if (entry instanceof Name name) {
                if (name.domain().equals(domain)) {
                    return name.negated() ? Verdict.SKIP : Verdict.LOOK_UP;
                }
            } else {
                Table table = (Table) entry;
                LookupResult result = table.dict().lookup(domain);
                if (result.isFailure()) {
                    return Verdict.TEMPORARY_FAILURE;
                }
                if (result instanceof LookupResult.Found) {
                    return table.negated() ? Verdict.SKIP : Verdict.LOOK_UP;
                }
            }
        }
        return Verdict.SKIP;
    }
}
