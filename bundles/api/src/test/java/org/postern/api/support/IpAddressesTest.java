// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    // inet_pton() then inet_ntop(), as glibc prints them.
    @ParameterizedTest
    @CsvSource({
        "192.0.2.1, 192.0.2.1",
        "0.0.0.0, 0.0.0.0",
        "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1",
        "::ffff:c000:0201, ::ffff:192.0.2.1",
        "::192.0.2.1, ::192.0.2.1",
        "fe80::1:2:3:4:5, fe80::1:2:3:4:5",
        "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
    })
    void formatShouldPrintParsedAddressAsInetNtopDoes(String text, String expected) {
        assertThat(IpAddresses.format(IpAddresses.parse(text))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1..3.4", "+1.2.3.4",
        ":", ":::", "1:", ":1", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8", "::1.2.3",
        "::1.2.3.4:5", "fe80::1%eth0", "[::1]", "g::1", "1:2:3:4:5:6:7:1.2.3.4", "١.٢.٣.٤"})
    void parseShouldRejectWhatInetPtonRejects(String text) {
        assertThat(IpAddresses.parse(text)).isNull();
    }
}
