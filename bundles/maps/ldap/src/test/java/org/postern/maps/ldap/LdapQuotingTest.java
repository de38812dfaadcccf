// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quoted keys must come back unchanged from the SDK's parsers, as one value. */
class LdapQuotingTest {

    @ParameterizedTest
    @ValueSource(strings = {"*", ")(", "\\", "a\u0000b", "(|(uid=*))", "x)(uid=*", "é@example.com", "%s"})
    void filterValueShouldStayOneAssertionValue(String key) throws Exception {
        Filter filter = Filter.create("(mail=" + LdapQuoting.filterValue(key) + ")");
        assertThat(filter.getFilterType()).isEqualTo(Filter.FILTER_TYPE_EQUALITY);
        assertThat(filter.getAssertionValue()).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,dc=com", "a+cn=b", "\"a\"", "a\\", "<a>", "a;b", "#a", " a ", "a\u0000", "é"})
    void dnValueShouldStayOneAttributeValue(String key) throws Exception {
        DN dn = new DN("dc=" + LdapQuoting.dnValue(key) + ",dc=example");
        assertThat(dn.getRDNs()).hasSize(2);
        assertThat(dn.getRDN().getAttributeValues()).containsExactly(key);
    }
}
