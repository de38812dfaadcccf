// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PlainHeaderAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        " bench@example.org|bench@example.org",
        "<sink@example.com>|sink@example.com",
        " \t<a.b+tag@mail.example-1.com> |a.b+tag@mail.example-1.com",
        "o'hara{x}@example.org|o'hara{x}@example.org"})
    void plainAddressesAreRecognised(String value, String address) {
        assertEquals(address, PlainHeaderAddress.of(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        " user", // unqualified: needs rewriting
        " John <john@example.org>",
        " john@example.org (John)",
        " \"j d\"@example.org",
        " a@example.org, b@example.org",
        " undisclosed:;",
        " a@[192.0.2.1]",
        " .a@example.org",
        " a..b@example.org",
        " a@example.org.",
        " a@",
        " @example.org",
        " <a@example.org",
        " a@example.org\r\n\tb",
        " ü@example.org",
        ""})
    void anythingElseGoesToTheFullParser(String value) {
        assertNull(PlainHeaderAddress.of(value));
    }
}
