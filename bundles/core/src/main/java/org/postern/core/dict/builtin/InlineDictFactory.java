// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.LogText;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   inline - a table written in the name ("inline:{ key=value, { key = text with, commas } }").
 * DESCRIPTION
 *   Entries are separated by commas or blanks; an entry in braces may contain both, and
 *   blanks around its "=" and inside its braces are dropped. A later entry for the same key
 *   replaces an earlier one without a warning, as in Postfix. With FOLD_CASE, keys are
 *   lower-cased at open and at lookup. Reports FIXED; iterates in the order written.
 * SECURITY  The name comes from main.cf/master.cf (administrator); keys from the network.
 * BUGS      Postfix 3.7 accepts "key=" and "=value" and fails later; Postern refuses an empty
 *           key or value at open.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "inline".
 */
@Component(service = DictFactory.class)
@DictType("inline")
public final class InlineDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        String need = "name=value...";
        String body = BuiltinTables.braceBody("inline", name, need);
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            for (String token : PostfixLists.split(body)) {
                String entry = token.startsWith("{") ? PostfixLists.stripBraces(token) : token;
                int eq = entry.indexOf('=');
                String where = "\"inline:" + LogText.printable(name) + "\"; need \"inline:{" + need + "}\"";
                if (eq < 0) {
                    throw new DictException("missing '=' after attribute name: " + where, false);
                }
                String key = entry.substring(0, eq).strip();
                String value = entry.substring(eq + 1).strip();
                if (key.isEmpty()) {
                    throw new DictException("missing attribute name: " + where, false);
                }
                if (value.isEmpty()) {
                    throw new DictException("empty value for \"" + LogText.printable(key) + "\": " + where, false);
                }
                entries.put(BuiltinTables.fold(flags, key), value);
            }
        } catch (IllegalArgumentException e) {
            throw new DictException("bad syntax: \"inline:" + LogText.printable(name) + "\": " + e.getMessage(), false);
        }
        if (entries.isEmpty()) {
            throw new DictException("empty table: \"inline:" + LogText.printable(name) + "\"; need \"inline:{" + need + "}\"", false);
        }
        return new MemoryDict("inline", name, flags, entries);
    }
}
