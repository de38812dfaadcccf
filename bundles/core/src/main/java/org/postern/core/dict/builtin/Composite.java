// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.support.LogText;
import org.postern.core.config.PostfixLists;

/** What unionmap: and pipemap: share: parsing "{type:name, ...}" and opening the members. */
final class Composite {

    private Composite() {
    }

    /** Opens each "type:name" of "{t1, t2 ...}" through the registry (which shares open tables). */
    static List<Dict> members(String type, String name, Set<DictFlag> flags, DictContext context) throws DictException {
        String need = "type:name...";
        String body = BuiltinTables.braceBody(type, name, need);
        List<String> specs;
        try {
            specs = PostfixLists.split(body);
        } catch (IllegalArgumentException e) {
            throw new DictException("bad syntax: \"" + type + ":" + LogText.printable(name) + "\": " + e.getMessage(), false);
        }
        if (specs.isEmpty() || specs.stream().anyMatch(s -> s.indexOf(':') <= 0)) {
            throw new DictException("bad syntax: \"" + type + ":" + LogText.printable(name) + "\"; need \""
                    + type + ":{" + need + "}\"", false);
        }
        Set<DictFlag> nested = BuiltinTables.nestedFlags(flags);
        List<Dict> members = new ArrayList<>();
        for (String spec : specs) {
            members.add(context.registry().open(spec, nested));
        }
        return List.copyOf(members);
    }

    /** The opener's flags plus the first member's FIXED or PATTERN, read now (the member may have been reopened). */
    static Set<DictFlag> flags(Set<DictFlag> requested, List<Dict> members) {
        Set<DictFlag> first = members.get(0).flags();
        DictFlag kind = first.contains(DictFlag.PATTERN) ? DictFlag.PATTERN
                : first.contains(DictFlag.FIXED) ? DictFlag.FIXED : null;
        return BuiltinTables.flags(requested, kind);
    }
}
