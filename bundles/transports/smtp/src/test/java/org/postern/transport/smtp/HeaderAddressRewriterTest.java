// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderAddressRewriterTest {

    private static final Map<String, String> MAP = Map.of("joe@local.lan", "joe.public@example.net",
            "q u@local.lan", "plain@example.net", "plain@local.lan", "with space@example.net",
            "jé@local.lan", "jö@example.net");

    private static String rewrite(String value) throws ClientTables.Failure {
        return HeaderAddressRewriter.rewrite(value, a -> MAP.getOrDefault(a, a));
    }

    // RFC 5322 section 3.4: name-addr, addr-spec, comments (CFWS), groups; obs-route (4.4).
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        " joe@local.lan                       | 'joe.public@example.net'",
        " Joe <joe@local.lan>                 | 'Joe <joe.public@example.net>'",
        " \"Doe, Joe\" <joe@local.lan> (work)  | '\"Doe, Joe\" <joe.public@example.net> (work)'",
        " (lead) joe@local.lan (trail)        | '(lead) joe.public@example.net (trail)'",
        " <@relay.lan:joe@local.lan>          | '<@relay.lan:joe.public@example.net>'",
        " g: joe@local.lan, a@b.example;      | 'g: joe.public@example.net, a@b.example;'",
        " \"q u\"@local.lan                     | 'plain@example.net'",
        " plain@local.lan                     | '\"with space\"@example.net'",
        " JOE@LOCAL.LAN                       | 'JOE@LOCAL.LAN'",
    })
    void addrSpecShouldBeReplacedAndTheRestKept(String value, String expected) throws ClientTables.Failure {
        String out = rewrite(value);
        assertThat(out == null ? value : out).isEqualTo(expected);
    }

    @Test
    void unchangedOrUnparseableValueShouldGiveNull() throws ClientTables.Failure {
        assertThat(rewrite(" a@b.example, c@d.example")).isNull();
        assertThat(rewrite(" undisclosed-recipients:;")).isNull();
        assertThat(rewrite(" broken <<joe@local.lan")).isNull();
    }

    @Test
    void rawUtf8NamesAndAddressesShouldBeHandled() throws ClientTables.Failure {
        assertThat(rewrite(" Jörg Müller <joe@local.lan>")).isEqualTo(" Jörg Müller <joe.public@example.net>");
        assertThat(rewrite(" Jé <jé@local.lan>")).isEqualTo(" Jé <jö@example.net>");
    }

    @Test
    void foldingInsideTheValueShouldBeKept() throws ClientTables.Failure {
        assertThat(rewrite(" a@b.example,\r\n\tJoe\r\n <joe@local.lan>"))
                .isEqualTo(" a@b.example,\r\n\tJoe\r\n <joe.public@example.net>");
    }

    @Test
    void mapperFailureShouldStopTheRewrite() {
        List<String> asked = new ArrayList<>();
        assertThatThrownBy(() -> HeaderAddressRewriter.rewrite(" a@b.example, c@d.example", a -> {
            asked.add(a);
            throw new ClientTables.Failure("table lookup failure");
        })).isInstanceOf(ClientTables.Failure.class);
        assertThat(asked).containsExactly("a@b.example");
    }
}
