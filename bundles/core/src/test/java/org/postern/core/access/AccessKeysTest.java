// SPDX-License-Identifier: Apache-2.0
package org.postern.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.api.dict.DictFlag;

class AccessKeysTest {

    // access(5) EMAIL ADDRESS PATTERNS: user@domain, domain.tld, .domain.tld, user@.
    @Test
    void addressKeysShouldTryDotParentsWhenSmtpdAccessMapsIsNotInParentDomainMatchesSubdomains() {
        assertThat(AccessKeys.forAddress("user@sub.example.com", "", false)).containsExactly(
                "user@sub.example.com", "sub.example.com", ".example.com", ".com", "user@");
    }

    @Test
    void addressKeysShouldTryBareParentsWhenSmtpdAccessMapsIsInParentDomainMatchesSubdomains() {
        assertThat(AccessKeys.forAddress("user@sub.example.com", "", true)).containsExactly(
                "user@sub.example.com", "sub.example.com", "example.com", "com", "user@");
    }

    // access(5) EMAIL ADDRESS EXTENSION: "user+foo@domain, user@domain, domain, user+foo@, and user@".
    @Test
    void addressKeysShouldFollowAccessFiveOrderWhenAddressHasExtension() {
        assertThat(AccessKeys.forAddress("user+foo@domain", "+", true)).containsExactly(
                "user+foo@domain", "user@domain", "domain", "user+foo@", "user@");
    }

    @Test
    void addressKeysShouldSplitAtAnyDelimiterCharacterAndKeepTheRestOfTheExtension() {
        assertThat(AccessKeys.forAddress("joe-a+b@example.org", "+-", true)).containsExactly(
                "joe-a+b@example.org", "joe@example.org", "example.org", "org", "joe-a+b@", "joe@");
    }

    @ParameterizedTest
    @CsvSource({"owner-list, -", "list-request, -", "postmaster, -", "MAILER-DAEMON, -", "+foo, +", "plain, +",
        "double-bounce, -"})
    void addressKeysShouldNotSplitWhatPostfixNeverSplits(String local, String delimiter) {
        assertThat(AccessKeys.forAddress(local + "@example.com", delimiter, true)).containsExactly(
                local + "@example.com", "example.com", "com", local + "@");
    }

    @Test
    void addressKeysShouldSplitOwnerAddressWhenDashIsNotADelimiter() {
        assertThat(AccessKeys.forAddress("owner-list+x@example.com", "+", true)).contains("owner-list@example.com");
    }

    @Test
    void addressKeysShouldUseLastAtSignAndNotSplitNumericDomain() {
        assertThat(AccessKeys.forAddress("\"a@b\"@192.0.2.1", "", false)).containsExactly(
                "\"a@b\"@192.0.2.1", "192.0.2.1", "\"a@b\"@");
    }

    @Test
    void addressKeysShouldBeOnlyTheAddressWhenThereIsNoDomain() {
        assertThat(AccessKeys.forAddress("<>", "+", true)).containsExactly("<>");
        assertThat(AccessKeys.forAddress("user@", "+", true)).containsExactly("user@");
    }

    @Test
    void addressKeysShouldBeOnlyTheFullAddressForPatternTable() {
        assertThat(AccessKeys.forAddress("user+foo@example.com", "+", true, Set.of(DictFlag.PATTERN)))
                .containsExactly("user+foo@example.com");
        assertThat(AccessKeys.forAddress("user+foo@example.com", "+", true, Set.of(DictFlag.FIXED)))
                .hasSize(6);
    }

    // access(5) HOST NAME/ADDRESS PATTERNS: domain.tld, .domain.tld.
    @Test
    void hostNameKeysShouldBeNameThenParents() {
        assertThat(AccessKeys.forHostName("mail.sub.example.com", false)).containsExactly(
                "mail.sub.example.com", ".sub.example.com", ".example.com", ".com");
        assertThat(AccessKeys.forHostName("mail.example.com", true)).containsExactly(
                "mail.example.com", "example.com", "com");
        assertThat(AccessKeys.forHostName("localhost", true)).containsExactly("localhost");
        assertThat(AccessKeys.forHostName("mail.example.com", true, Set.of(DictFlag.PATTERN)))
                .containsExactly("mail.example.com");
    }

    @Test
    void hostNameKeysShouldNotProduceEmptyKeyForTrailingDot() {
        assertThat(AccessKeys.forHostName("example.com.", true)).containsExactly("example.com.", "com.");
        assertThat(AccessKeys.forHostName("example.com.", false)).containsExactly("example.com.", ".com.", ".");
    }

    // access(5): "net.work.addr.ess, net.work.addr, net.work, net".
    @Test
    void ipv4KeysShouldDropOctetsFromTheEnd() {
        assertThat(AccessKeys.forHostAddress("192.0.2.1")).containsExactly("192.0.2.1", "192.0.2", "192.0", "192");
        assertThat(AccessKeys.forHostAddress("[192.0.2.1]")).containsExactly("192.0.2.1", "192.0.2", "192.0", "192");
        assertThat(AccessKeys.forHostAddress("192.0.2.1", Set.of(DictFlag.PATTERN))).containsExactly("192.0.2.1");
    }

    // access(5): "net:work:addr:ess, net:work:addr, net:work, net", truncating the compressed form.
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2001:db8:1:2:3:4:5:6 | 2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5, 2001:db8:1:2:3:4, 2001:db8:1:2:3, 2001:db8:1:2, 2001:db8:1, 2001:db8, 2001",
        "2001:DB8:0000:0000:0000:0000:0000:0001 | 2001:db8::1, 2001:db8:, 2001:db8, 2001",
        "2001:db8::1 | 2001:db8::1, 2001:db8:, 2001:db8, 2001",
        "2001:db8:0:0:1::5 | 2001:db8::1:0:0:5, 2001:db8::1:0:0, 2001:db8::1:0, 2001:db8::1, 2001:db8:, 2001:db8, 2001",
        "fe80::1:2 | fe80::1:2, fe80::1, fe80:, fe80",
        "IPv6:2001:db8::1 | 2001:db8::1, 2001:db8:, 2001:db8, 2001",
        "[::1] | ::1, :",
    })
    void ipv6KeysShouldTruncateTheCompressedFormAtColons(String address, String keys) {
        assertThat(AccessKeys.forHostAddress(address)).containsExactly(keys.split(", "));
    }

    @Test
    void ipv4MappedIpv6AddressShouldGiveIpv4Keys() {
        assertThat(AccessKeys.forHostAddress("::ffff:192.0.2.1")).containsExactly("192.0.2.1", "192.0.2", "192.0", "192");
        assertThat(AccessKeys.forHostAddress("::FFFF:c000:0201")).containsExactly("192.0.2.1", "192.0.2", "192.0", "192");
    }

    @ParameterizedTest
    @CsvSource({"example.com", "192.0.2", "01.2.3.4", "2001:db8::1::2", "''", "[]"})
    void hostAddressKeysShouldRejectTextThatIsNotAnAddress(String text) {
        assertThatThrownBy(() -> AccessKeys.forHostAddress(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
