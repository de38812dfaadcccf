// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void printableShouldEscapeLineEndsAndReplaceOtherControls() {
        assertThat(LogText.printable("a\r\nb\u0000c\td")).isEqualTo("a\\r\\nb?c?d");
    }

    @Test
    void printableShouldCutLongTextAtAbout100Characters() {
        String out = LogText.printable("x".repeat(500));

        assertThat(out).hasSize(103).endsWith("...");
        assertThat(LogText.printable("x".repeat(100))).hasSize(100);
    }

    @Test
    void printableOfNullShouldBeEmpty() {
        assertThat(LogText.printable(null)).isEmpty();
    }
}
