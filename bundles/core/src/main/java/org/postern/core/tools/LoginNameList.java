// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.util.Locale;

import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   A list of login names as authorized_submit_users, authorized_mailq_users and
 *           authorized_flush_users hold it.
 * DESCRIPTION
 *   Entries in order, first match wins: a login name, "!" before an entry to exclude, a
 *   "type:table" looked up with the login name as key (any value matches; "static:anyone"
 *   matches everyone), a "/file/name" whose words are entries. No match: not authorized.
 * SECURITY  The login name comes from the kernel (SO_PEERCRED), not from the caller.
 */
public final class LoginNameList {

    /** A table in the list could not answer: the tool fails temporarily, never opens up. */
    public static final class LookupFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LookupFailure(String message) {
            super(message);
        }
    }

    private final String parameter;
    private final String value;
    private final DictRegistry tables;

    public LoginNameList(String parameter, String value, DictRegistry tables) {
        this.parameter = parameter;
        this.value = value == null ? "" : value;
        this.tables = tables;
    }

    public boolean matches(String login) throws LookupFailure {
        try {
            for (String raw : PostfixLists.split(value)) {
                if (raw.startsWith("/")) {
                    for (String word : PostfixLists.fileWords(parameter, raw)) {
                        Boolean decided = decide(word, login);
                        if (decided != null) {
                            return decided;
                        }
                    }
                    continue;
                }
                Boolean decided = decide(raw, login);
                if (decided != null) {
                    return decided;
                }
            }
        } catch (ConfigException e) {
            throw new LookupFailure(e.getMessage());
        }
        return false;
    }

    /** TRUE or FALSE when this entry decides, null when it does not match. */
    private Boolean decide(String raw, String login) throws ConfigException, LookupFailure {
        PostfixLists.ListEntry entry = PostfixLists.ListEntry.parse(parameter, raw);
        if (!matchesEntry(entry.pattern(), login)) {
            return null;
        }
        return !entry.negated();
    }

    private boolean matchesEntry(String pattern, String login) throws LookupFailure {
        if (pattern.indexOf(':') > 0) {
            LookupResult result = tables.lookup(pattern, login);
            if (result instanceof LookupResult.Found) {
                return true;
            }
            if (result instanceof LookupResult.NotFound) {
                return false;
            }
            throw new LookupFailure(parameter + ": " + pattern + ": table lookup problem");
        }
        return pattern.toLowerCase(Locale.ROOT).equals(login.toLowerCase(Locale.ROOT));
    }
}
