// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.ArrayList;
import java.util.EnumSet;
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
import org.postern.api.support.LogText;

/**
 * SUMMARY   filtermap - keep selected fields of a multi-field answer
 *           ("filtermap{2}:mysql:/etc/postern/users.cf", "filtermap:{1,3}:ldap:...").
 * DESCRIPTION
 *   The wrapped table's answer is split at commas into fields (surrounding whitespace
 *   dropped); the answer is the listed fields, numbered from 1, in the listed order, joined
 *   with commas. An answer without any listed field is not-found: "no usable value" must
 *   not become an empty transport or address. Failures pass through unchanged.
 *   Useful when one SQL row or LDAP entry serves several maps (e.g. mailbox and quota).
 * SECURITY  Values are not parsed beyond splitting at commas.
 * SEE ALSO  The Postfix wishlist's "filtermap" idea.
 */
@Component(service = DictFactory.class)
@DictType("filtermap")
public final class FiltermapDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        WrappedSpec spec = WrappedSpec.parse("filtermap", name, true);
        List<Integer> fields = new ArrayList<>();
        for (String item : spec.options().split(",")) {
            try {
                int field = Integer.parseInt(item.strip());
                if (field < 1) {
                    throw new NumberFormatException();
                }
                fields.add(field);
            } catch (NumberFormatException e) {
                throw new DictException("filtermap:" + LogText.printable(name)
                        + ": expected field numbers from 1, e.g. filtermap{2}:type:name, got \"" + LogText.printable(item.strip()) + "\"", false);
            }
        }
        return new FiltermapDict(name, List.copyOf(fields), context.registry().open(spec.inner(), BuiltinTables.nestedFlags(flags)));
    }

    /** The table. */
    record FiltermapDict(String name, List<Integer> fields, Dict inner) implements Dict {
        @Override
        public String type() {
            return "filtermap";
        }

        @Override
        public Set<DictFlag> flags() {
            EnumSet<DictFlag> f = EnumSet.of(DictFlag.READ_ONLY);
            f.addAll(inner.flags());
            return Set.copyOf(f);
        }

        @Override
        public LookupResult lookup(String key) {
            LookupResult result = inner.lookup(key);
            if (!(result instanceof LookupResult.Found found)) {
                return result;
            }
            String[] parts = found.value().split(",", -1);
            List<String> kept = new ArrayList<>();
            for (int field : fields) {
                if (field <= parts.length && !parts[field - 1].isBlank()) {
                    kept.add(parts[field - 1].strip());
                }
            }
            return kept.isEmpty() ? LookupResult.notFound() : LookupResult.found(String.join(",", kept));
        }
    }
}
