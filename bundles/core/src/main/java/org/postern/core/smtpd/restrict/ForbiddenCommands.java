// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   smtpd_forbidden_commands: the command words that end a session at once (Postfix's
 *           string_list of them).
 * DESCRIPTION
 *   Patterns are tried in order and the first match decides; "!pattern" turns a match into a
 *   non-match. A word matches the command case-insensitively; "type:table" (inline forms such
 *   as "regexp:{{/^[^A-Z]/ Bogus}}" included) matches when the table has the command,
 *   whatever the value; "/file/name" stands for the patterns in that file. Postfix's default,
 *   "CONNECT GET POST regexp:{{/^[^A-Z]/ Bogus}}", ends HTTP requests and proxy probes, and,
 *   regexp tables being case-insensitive, every command that does not start with a letter: a
 *   TLS handshake on the plaintext port, JSON, a stray "." line.
 *   The session asks only about words that are not SMTP commands: EHLO cannot be forbidden.
 * SECURITY  The command word is client input; the patterns come from main.cf.
 * BUGS      A table that fails counts as not listing the command (with a warning), as Postfix
 *           ignores these lookup errors: the command is then refused with 500 and the session
 *           goes on.
 * SEE ALSO  Postfix postconf(5) smtpd_forbidden_commands, string_list(3).
 */
public final class ForbiddenCommands {

    /** One pattern: a word, or a table that lists words. */
    private record Entry(boolean negated, String word, Dict table) {
    }

    private final List<Entry> entries;

    private ForbiddenCommands(List<Entry> entries) {
        this.entries = entries;
    }

    /** No command is forbidden ("smtpd_forbidden_commands ="). */
    public static ForbiddenCommands none() {
        return new ForbiddenCommands(List.of());
    }

    /**
     * Parses the parameter's value and opens its tables.
     *
     * @throws ConfigException for "!" without a pattern or a pattern file that cannot be read
     */
    public static ForbiddenCommands parse(List<String> tokens, DictRegistry dicts) throws ConfigException {
        List<Entry> entries = new ArrayList<>();
        add(tokens, dicts, entries, 0);
        return new ForbiddenCommands(List.copyOf(entries));
    }

    private static void add(List<String> tokens, DictRegistry dicts, List<Entry> out, int depth)
            throws ConfigException {
        for (String raw : tokens) {
            PostfixLists.ListEntry entry = PostfixLists.ListEntry.parse("smtpd_forbidden_commands", raw);
            String token = entry.pattern();
            boolean negated = entry.negated();
            if (token.startsWith("/") && !negated) {
                if (depth > 10) {
                    throw new ConfigException("smtpd_forbidden_commands: file includes nested too deeply: " + token);
                }
                add(PostfixLists.fileWords("smtpd_forbidden_commands", token), dicts, out, depth + 1);
            } else if (token.indexOf(':') > 0) {
                String spec = PostfixLists.isGroup(token) ? PostfixLists.stripBraces(token) : token;
                out.add(new Entry(negated, null, dicts.open(spec, EnumSet.of(DictFlag.FOLD_CASE))));
            } else {
                out.add(new Entry(negated, token.toUpperCase(Locale.ROOT), null));
            }
        }
    }

    /**
     * Whether the list names {@code command} (the first word of the line, as the client sent it).
     * Blocks while a table is asked.
     */
    public boolean forbids(String command) {
        String upper = command.toUpperCase(Locale.ROOT);
        for (Entry e : entries) {
            if (e.table() == null) {
                if (e.word().equals(upper)) {
                    return !e.negated();
                }
                continue;
            }
            LookupResult r = e.table().lookup(command);
            if (r instanceof LookupResult.Found) {
                return !e.negated();
            }
            if (r.isFailure()) {
                RestrictionChecks.LOG.warn("warning: {}: smtpd_forbidden_commands lookup error for \"{}\"",
                        e.table().spec(), LogText.printable(command));
                return false;
            }
        }
        return false;
    }
}
