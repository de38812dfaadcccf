// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   static - every key finds the same value ("static:OK", "static:{ text with spaces }").
 * DESCRIPTION
 *   The name is the value; a name in braces loses the braces and the blanks inside them.
 *   Reports FIXED, as Postfix's dict_static does. No iteration.
 * SECURITY  None: the key is not looked at.
 * BUGS      Postfix 3.7 accepts "static:{}" and then warns at every lookup that an empty result
 *           is not allowed; Postern refuses it at open.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "static".
 */
@Component(service = DictFactory.class)
@DictType("static")
public final class StaticDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        String value = name;
        if (name.startsWith("{")) {
            int depth = 0;
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0 && i != name.length() - 1) {
                    throw new DictException("bad static:name syntax: syntax error after '}' in \""
                            + LogText.printable(name) + "\"", false);
                }
            }
            if (depth != 0 || !name.endsWith("}")) {
                throw new DictException("bad static:name syntax: missing '}' in \"" + LogText.printable(name) + "\"", false);
            }
            value = name.substring(1, name.length() - 1).strip();
        }
        if (value.isEmpty()) {
            throw new DictException("static:" + LogText.printable(name) + ": empty result is not allowed", false);
        }
        return new StaticDict(name, BuiltinTables.flags(flags, DictFlag.FIXED), value);
    }

    /** The table: one value for every key. */
    record StaticDict(String name, Set<DictFlag> flags, String value) implements Dict {
        @Override
        public String type() {
            return "static";
        }

        @Override
        public LookupResult lookup(String key) {
            return LookupResult.found(value);
        }
    }
}
