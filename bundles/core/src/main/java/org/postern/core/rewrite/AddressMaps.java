// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.access.AccessKeys;
import org.postern.core.config.PostfixLists;

/**
 * SUMMARY   A list of tables searched for an address as Postfix mail_addr_find() does
 *           (local_recipient_maps, virtual_alias_maps, virtual_mailbox_maps, relay_recipient_maps,
 *           canonical maps).
 * DESCRIPTION
 *   Keys, each tried in every table before the next key: user+ext@domain, user@domain (when
 *   the address has an extension), user+ext and user (only when the domain is local), @domain.
 *   Keys after the first are partial: tables of patterns (regexp, pcre, cidr) see only the
 *   first. The first table that finds a key wins; a table that fails stops the search.
 * SECURITY  Keys come from the network.
 * SEE ALSO  Postfix mail_addr_find(3), maps(3), virtual(5).
 */
public final class AddressMaps {

    private final String parameter;
    private final List<Dict> tables;

    private AddressMaps(String parameter, List<Dict> tables) {
        this.parameter = parameter;
        this.tables = List.copyOf(tables);
    }

    public static AddressMaps open(String parameter, List<String> specs, DictRegistry dicts) {
        List<Dict> tables = new ArrayList<>();
        for (String spec : specs) {
            String s = PostfixLists.isGroup(spec) ? PostfixLists.stripBraces(spec) : spec;
            tables.add(dicts.open(s, EnumSet.of(DictFlag.FOLD_CASE)));
        }
        return new AddressMaps(parameter, tables);
    }

    public static List<Dict> openAll(List<String> specs, DictRegistry dicts) {
        return open("", specs, dicts).tables;
    }

    public String parameter() {
        return parameter;
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * @param localDomain whether the domain is local, which allows local-part-only keys
     * @return the value found, or null
     */
    public String find(String local, String domain, String delimiters, boolean localDomain) throws LookupFailure {
        List<String> keys = new ArrayList<>();
        keys.add(local + "@" + domain);
        String bare = AccessKeysBridge.stripExtension(local, delimiters);
        if (bare != null) {
            keys.add(bare + "@" + domain);
        }
        if (localDomain) {
            keys.add(local);
            if (bare != null) {
                keys.add(bare);
            }
        }
        keys.add("@" + domain);
        for (int k = 0; k < keys.size(); k++) {
            for (Dict d : tables) {
                if (k > 0 && !AccessKeys.partialKeysAllowed(d.flags())) {
                    continue;
                }
                LookupResult r = d.lookup(keys.get(k));
                if (r instanceof LookupResult.Found f) {
                    return f.value();
                }
                if (r instanceof LookupResult.TemporaryFailure t) {
                    throw new LookupFailure(true, d.spec() + ": " + t.reason());
                }
                if (r instanceof LookupResult.ConfigurationError c) {
                    throw new LookupFailure(false, d.spec() + ": " + c.reason());
                }
            }
        }
        return null;
    }
}
