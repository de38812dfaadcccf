// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   unionmap - every table's answer, joined with commas ("unionmap:{hash:/a, ldap:/b.cf}").
 * DESCRIPTION
 *   Looks the key up in each table in order and joins the results found with ","; not found
 *   when no table has the key. The first failure (temporary or configuration) is the answer,
 *   as in Postfix: a partial union is never returned. Tables are opened through the registry
 *   with the opener's flags and shared with other users; the first table decides FIXED or
 *   PATTERN.
 * SECURITY  The key goes unchanged to every table.
 * BUGS      Closing the union leaves the member tables open: the registry owns them.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "unionmap".
 */
@Component(service = DictFactory.class)
@DictType("unionmap")
public final class UnionmapDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return new UnionmapDict(name, flags, Composite.members("unionmap", name, flags, context));
    }

    /** The table. */
    record UnionmapDict(String name, Set<DictFlag> requested, List<Dict> members) implements Dict {
        @Override
        public String type() {
            return "unionmap";
        }

        @Override
        public Set<DictFlag> flags() {
            return Composite.flags(requested, members);
        }

        @Override
        public LookupResult lookup(String key) {
            StringBuilder joined = new StringBuilder();
            for (Dict member : members) {
                LookupResult r = member.lookup(key);
                if (r instanceof LookupResult.Found found) {
                    if (joined.length() > 0) {
                        joined.append(',');
                    }
                    joined.append(found.value());
                } else if (r.isFailure()) {
                    return r;
                }
            }
            return joined.length() == 0 ? LookupResult.notFound() : LookupResult.found(joined.toString());
        }
    }
}
