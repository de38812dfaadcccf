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
 * SUMMARY   pipemap - tables in series, each result the next key ("pipemap:{ldap:/a.cf, hash:/b}").
 * DESCRIPTION
 *   The key goes to the first table; its result is the key for the second, and so on; the
 *   last result is the answer. Not found or a failure anywhere ends the pipeline with that
 *   answer (a temporary failure stays temporary). Tables are opened through the registry
 *   with the opener's flags; each folds its own key. The first table decides FIXED or PATTERN.
 * SECURITY  Intermediate results become keys of the next table: a table that returns text
 *           from the key passes it on unchanged.
 * BUGS      Closing the pipeline leaves the member tables open: the registry owns them.
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "pipemap".
 */
@Component(service = DictFactory.class)
@DictType("pipemap")
public final class PipemapDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return new PipemapDict(name, flags, Composite.members("pipemap", name, flags, context));
    }

    /** The table. */
    record PipemapDict(String name, Set<DictFlag> requested, List<Dict> members) implements Dict {
        @Override
        public String type() {
            return "pipemap";
        }

        @Override
        public Set<DictFlag> flags() {
            return Composite.flags(requested, members);
        }

        @Override
        public LookupResult lookup(String key) {
            String query = key;
            for (Dict member : members) {
                LookupResult r = member.lookup(query);
                if (!(r instanceof LookupResult.Found found)) {
                    return r;
                }
                query = found.value();
            }
            return LookupResult.found(query);
        }
    }
}
