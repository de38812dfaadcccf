// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.api.support.ResultList;

/**
 * SUMMARY   An open ldap: table: one search per lookup, plus the entries it references.
 * DESCRIPTION
 *   A lookup folds the key (FOLD_CASE), asks the domain filter, expands search_base
 *   (DN-quoted) and query_filter (filter-quoted); a key that cannot fill them is not found
 *   without a query. The entries found are expanded by {@link EntryExpansion} into
 *   result_format'ed values joined by commas. Any server or protocol problem is a temporary
 *   failure naming the table; lookup never throws.
 * SECURITY  Keys come from the network. They only ever reach the server as escaped values
 *           inside a parsed filter and DN, never as filter or DN syntax.
 */
final class LdapDict implements Dict {

    private final String name;
    private final Set<DictFlag> flags;
    private final LdapSettings settings;
    private final LDAPConnectionPool pool;

    LdapDict(String name, Set<DictFlag> flags, LdapSettings settings, LDAPConnectionPool pool) {
        this.name = name;
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(flags);
        f.remove(DictFlag.PATTERN);
        f.add(DictFlag.FIXED);
        f.add(DictFlag.READ_ONLY);
        this.flags = Set.copyOf(f);
        this.settings = settings;
        this.pool = pool;
    }

    @Override
    public String type() {
        return "ldap";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        try {
            return search(folded);
        } catch (LDAPException e) {
            return failure(e.getResultCode().getName() + ": " + e.getMessage());
        } catch (EntryExpansion.LimitExceeded e) {
            return failure(e.getMessage());
        } catch (RuntimeException e) {
            return failure("internal error: " + e);
        }
    }

    private LookupResult search(String key) throws LDAPException, EntryExpansion.LimitExceeded {
        switch (settings.domain().check(key)) {
            case SKIP:
                return LookupResult.notFound();
            case TEMPORARY_FAILURE:
                return failure("domain table lookup failed for " + LogText.printable(key));
            default:
                break;
        }
        Optional<String> base = settings.searchBase().expandQuery(key, LdapQuoting::dnValue);
        Optional<String> filter = settings.queryFilter().expandQuery(key, LdapQuoting::filterValue);
        if (base.isEmpty() || filter.isEmpty()) {
            return LookupResult.notFound();
        }
        ResultList results = new ResultList(settings.resultFormat(), settings.expansionLimit(), key);
        new EntryExpansion(pool, settings, results).search(base.get(), settings.scope(), Filter.create(filter.get()), 0);
        return results.result(spec());
    }

    private LookupResult failure(String why) {
        return LookupResult.temporaryFailure(spec() + ": " + LogText.printable(why));
    }

    @Override
    public void close() {
        pool.close();
    }
}
