// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import com.unboundid.ldap.sdk.DNEscapingStrategy;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.util.ByteStringBuffer;

/**
 * SUMMARY   Quote functions for the two places a key is substituted into an LDAP request.
 * DESCRIPTION
 *   {@link #filterValue} escapes an assertion value for query_filter (RFC 4515: "*", "(",
 *   ")", "\" and NUL become \2a \28 \29 \5c \00); {@link #dnValue} escapes an attribute
 *   value for search_base (RFC 4514: ",", "+", "\"", "\\", "<", ">", ";", a leading "#" or
 *   space, a trailing space, and NUL). Both use the UnboundID SDK's own encoders.
 * SECURITY  Keys come from the network; these are what keep a key from changing the query.
 */
final class LdapQuoting {

    private LdapQuoting() {
    }

    /** An assertion value inside a search filter. */
    static String filterValue(String value) {
        return Filter.encodeValue(value);
    }

    /** An attribute value inside a DN. */
    static String dnValue(String value) {
        ByteStringBuffer escaped = new ByteStringBuffer();
        DNEscapingStrategy.DEFAULT.escape(value, escaped);
        return escaped.toString();
    }
}
