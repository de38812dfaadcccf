// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostfixListsTest {

    @Test
    void splitShouldSeparateOnCommasAndWhitespace() {
        assertThat(PostfixLists.split("a, b\tc,,d\n e")).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void splitShouldKeepBraceGroupsWhole() {
        // postconf(5): "{ name = value }" groups may contain spaces and commas.
        assertThat(PostfixLists.split("inline:{ {a = x, y}, b=z }, static:ok"))
                .containsExactly("inline:{ {a = x, y}, b=z }", "static:ok");
    }

    @Test
    void splitShouldRejectUnbalancedBraces() {
        assertThatThrownBy(() -> PostfixLists.split("{ a b")).hasMessageContaining("missing '}'");
        assertThatThrownBy(() -> PostfixLists.split("a } b")).hasMessageContaining("unexpected '}'");
    }

    @Test
    void stripBracesShouldRemoveOnePairAndInnerWhitespace() {
        assertThat(PostfixLists.stripBraces("{ key = value with spaces }")).isEqualTo("key = value with spaces");
        assertThat(PostfixLists.stripBraces("{{nested}}")).isEqualTo("{nested}");
        assertThat(PostfixLists.stripBraces(" plain ")).isEqualTo("plain");
    }

    @Test
    void stripBracesShouldRejectTextAfterClosingBrace() {
        assertThatThrownBy(() -> PostfixLists.stripBraces("{a}b")).hasMessageContaining("text after");
    }
}
