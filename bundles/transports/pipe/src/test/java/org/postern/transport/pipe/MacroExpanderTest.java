// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MacroExpanderTest {

    private static final Map<String, String> MESSAGE = Map.of("sender", "s@example.org", "nexthop", "example.com",
            "client_address", "");

    @Test
    void allMacroFormsAndDollarEscapeShouldExpand() throws Exception {
        assertThat(MacroExpander.expand(List.of("${sender}", "$sender", "$(sender)", "a$$b", "x-${nexthop}-y", "$unknown."),
                MESSAGE, List.of())).containsExactly("s@example.org", "s@example.org", "s@example.org", "a$b",
                "x-example.com-y", ".");
    }

    @Test
    void conditionalsShouldTestForNonEmptyValues() throws Exception {
        assertThat(MacroExpander.expand(List.of("${sender?-f${sender}}", "${client_address?-c}", "${client_address:none}",
                "${sender:none}"), MESSAGE, List.of())).containsExactly("-fs@example.org", "", "none", "");
    }

    @Test
    void wordWithRecipientMacroShouldBecomeOneWordPerRecipient() throws Exception {
        List<Map<String, String>> rcpts = List.of(Map.of("recipient", "a@x", "user", "a"),
                Map.of("recipient", "b@x", "user", "b"));
        assertThat(MacroExpander.expand(List.of("-f", "$sender", "${user}:${recipient}", "$$recipient"), MESSAGE, rcpts))
                .containsExactly("-f", "s@example.org", "a:a@x", "b:b@x", "$recipient");
    }

    @Test
    void unbalancedBraceShouldBeASyntaxError() {
        assertThatThrownBy(() -> MacroExpander.expand(List.of("${sender"), MESSAGE, List.of()))
                .isInstanceOf(MacroExpander.MacroSyntaxException.class);
    }
}
