// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.util.List;
import java.util.Locale;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;

import org.postern.api.support.LogText;
import org.postern.api.support.ResultList;

/**
 * SUMMARY   One lookup's walk through the directory: a search, then the entries it references.
 * DESCRIPTION
 *   For each entry found (ldap_table(5) "result attributes"):
 *   - if it has a terminal_result_attribute, only the terminal attributes count and nothing
 *     is followed;
 *   - otherwise result_attribute values count; leaf_result_attribute values count only when
 *     the entry has no special_result_attribute (a member, not a group);
 *   - each special_result_attribute value is followed: an ldap:// or ldaps:// URL is searched
 *     with its own base, scope and filter (on this table's servers), anything else is a DN
 *     read with a base-scope search. Depth beyond recursion_limit is a temporary failure.
 *   A base that does not exist (e.g. a %l domain nobody has, or a dangling member DN) finds
 *   nothing, as in Postfix. A search over size_limit entries fails temporarily, and so does
 *   expansion_limit, through {@link ResultList}.
 * SECURITY  DNs and URLs followed come from the directory, not from the key.
 */
final class EntryExpansion {

    /** The lookup must fail temporarily although every search succeeded (a limit). */
    static final class LimitExceeded extends Exception {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message);
        }
    }

    private static final Filter ANY_ENTRY = Filter.createPresenceFilter("objectClass");

    private final LDAPInterface directory;
    private final LdapSettings settings;
    private final ResultList results;
    private final String[] requested;

    EntryExpansion(LDAPInterface directory, LdapSettings settings, ResultList results) {
        this.directory = directory;
        this.settings = settings;
        this.results = results;
        this.requested = settings.attributes().requested();
    }

    /** Searches and expands; false once expansion_limit is exceeded (the result list says so). */
    boolean search(String base, SearchScope scope, Filter filter, int depth) throws LDAPException, LimitExceeded {
        if (depth > settings.recursionLimit()) {
            throw new LimitExceeded("recursion limit " + settings.recursionLimit() + " exceeded at " + LogText.printable(base));
        }
        SearchRequest request = new SearchRequest(base, scope, settings.dereference(), settings.sizeLimit(),
                settings.timeoutSeconds(), false, filter, requested);
        request.setResponseTimeoutMillis(settings.timeoutSeconds() * 1000L);
        List<SearchResultEntry> entries;
        try {
            entries = directory.search(request).getSearchEntries();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return true;
            }
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw new LimitExceeded("size limit " + settings.sizeLimit() + " exceeded searching " + LogText.printable(base));
            }
            throw e;
        }
        for (SearchResultEntry entry : entries) {
            if (!expand(entry, depth)) {
                return false;
            }
        }
        return true;
    }

    private boolean expand(SearchResultEntry entry, int depth) throws LDAPException, LimitExceeded {
        LdapSettings.ResultAttributes attributes = settings.attributes();
        if (hasAny(entry, attributes.terminal())) {
            return addValues(entry, attributes.terminal());
        }
        boolean group = hasAny(entry, attributes.special());
        if (!group && !addValues(entry, attributes.leaf())) {
            return false;
        }
        if (!addValues(entry, attributes.result())) {
            return false;
        }
        for (String name : attributes.special()) {
            Attribute attribute = entry.getAttribute(name);
            if (attribute == null) {
                continue;
            }
            for (String reference : attribute.getValues()) {
                if (!follow(reference, depth + 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean follow(String reference, int depth) throws LDAPException, LimitExceeded {
        String lower = reference.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ldap://") || lower.startsWith("ldaps://")) {
            LDAPURL url = new LDAPURL(reference);
            return search(url.getBaseDN().toString(), url.getScope(), url.getFilter(), depth);
        }
        return search(reference, SearchScope.BASE, ANY_ENTRY, depth);
    }

    private static boolean hasAny(SearchResultEntry entry, List<String> names) {
        return names.stream().anyMatch(name -> entry.getAttribute(name) != null && entry.getAttribute(name).hasValue());
    }

    private boolean addValues(SearchResultEntry entry, List<String> names) {
        for (String name : names) {
            Attribute attribute = entry.getAttribute(name);
            if (attribute == null) {
                continue;
            }
            for (String value : attribute.getValues()) {
                if (!results.add(value)) {
                    return false;
                }
            }
        }
        return true;
    }
}
