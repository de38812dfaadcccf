// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** local_login_sender_maps results: "*", "&lt;&gt;", "@domain" and whole addresses. */
class SendmailSenderOwnershipTest {

    @Test
    void aResultListsTheSendersALoginMayUse() {
        List<String> owned = List.of("joe@example.org", "@lists.example.org");
        assertThat(SendmailTool.allows(owned, "joe@example.org", "<>")).isTrue();
        assertThat(SendmailTool.allows(owned, "JOE@Example.org", "<>")).isTrue();
        assertThat(SendmailTool.allows(owned, "news@lists.example.org", "<>")).isTrue();
        assertThat(SendmailTool.allows(owned, "ceo@example.org", "<>")).isFalse();
        assertThat(SendmailTool.allows(owned, "", "<>")).isFalse();
        assertThat(SendmailTool.allows(List.of("<>"), "", "<>")).isTrue();
        assertThat(SendmailTool.allows(List.of("*"), "anyone@anywhere.example", "<>")).isTrue();
    }
}
