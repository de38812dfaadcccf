// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class GroupLayoutTest {

    private static final String LONG_RESTRICTIONS = "permit_mynetworks, check_recipient_access"
            + " inline:{ {user1@example.com = REJECT go away now please}, {user2@example.com = OK},"
            + " {user3@example.com = DEFER try again later} }, reject_unauth_destination";

    @Test
    void foldShouldOpenUpAGroupThatCannotFitOnOneLine() {
        String out = PostconfFormat.parameter("smtpd_recipient_restrictions", LONG_RESTRICTIONS, false, true);

        assertThat(out).isEqualTo("""
                smtpd_recipient_restrictions = permit_mynetworks, check_recipient_access
                    inline:{
                        {user1@example.com = REJECT go away now please},
                        {user2@example.com = OK},
                        {user3@example.com = DEFER try again later}
                    }, reject_unauth_destination""");
    }

    @Test
    void prettyPrintedValueShouldParseBackToTheSameList() throws Exception {
        String out = PostconfFormat.parameter("smtpd_recipient_restrictions", LONG_RESTRICTIONS, false, true);

        MainCf reparsed = MainCf.parse(Path.of("main.cf"), Arrays.asList(out.split("\n")));
        String value = reparsed.find("smtpd_recipient_restrictions").orElseThrow().value();

        // Whitespace inside groups may differ; the items may not.
        assertThat(normalized(value)).isEqualTo(normalized(LONG_RESTRICTIONS));
        assertThat(List.of(out.split("\n"))).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void foldShouldLeaveGroupsThatFitAsPostfixDoes() {
        String value = "check_client_access inline:{ {10.0.0.1 = OK} }, reject";

        assertThat(PostconfFormat.parameter("x", value, false, true))
                .isEqualTo("x = check_client_access inline:{ {10.0.0.1 = OK} }, reject");
    }

    @Test
    void foldShouldOpenNestedGroupsButNotSplitAKeyValueGroup() {
        String leaf = "{" + "x".repeat(90) + " = y}";
        String out = PostconfFormat.parameter("foo", "a inline:{ {b = c}, {" + leaf + "} }", true, true);

        assertThat(out).isEqualTo("a inline:{\n        {b = c},\n        {\n            " + leaf + "\n        }\n    }");
    }

    private static List<String> normalized(String value) {
        return PostfixLists.split(value).stream().map(t -> t.replaceAll("\\s+", " ")).toList();
    }
}
