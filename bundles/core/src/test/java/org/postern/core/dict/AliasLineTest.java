// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected forms are what Postfix 3.7's postalias stored for the same lines (postalias -s). */
class AliasLineTest {

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "x: \"|/usr/bin/prog arg\",  /dev/null , a  b => x => \"|/usr/bin/prog arg\", /dev/null, a b",
        "y:a,b                                       => y => a, b",
        "z :  c (comment) ,d                         => z => c (comment), d",
        "\"Quo Ted\"  : e                            => Quo Ted => e",
        "w: :include:/etc/list                       => w => :include:/etc/list",
        "v: foo@bar   # not comment                  => v => foo@bar # not comment",
        "u: <a@b>,  Name <c@d>                       => u => <a@b>, Name <c@d>",
        "s:    a.b: c                                => s => a.b:c",
        "r: \"a b\"@c, \\\\x                         => r => \"a b\"@c, \"\\\\x\"",
        "root: Admin@Example.com,  other             => root => Admin@Example.com, other",
    })
    void parseShouldNormalizeLikePostalias(String line, String name, String value) {
        assertThat(AliasLine.parse(line.strip())).isEqualTo(new AliasLine(name, value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nocolon x", "key:", ": value", "key:   "})
    void parseShouldRejectLinesWithoutNameAndValue(String line) {
        assertThat(AliasLine.parse(line)).isNull();
    }
}
