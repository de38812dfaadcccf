// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

class QueryTemplateTest {

    private static final UnaryOperator<String> SQL = s -> s.replace("'", "''");

    private static Optional<String> query(String template, String key) {
        return QueryTemplate.query(template).expandQuery(key, SQL);
    }

    @Test
    void expandsTheManPageExamples() {
        assertThat(query("SELECT x FROM t WHERE a='%s'", "user@mail.example.com"))
                .contains("SELECT x FROM t WHERE a='user@mail.example.com'");
        assertThat(query("u='%u' d='%d'", "user@mail.example.com")).contains("u='user' d='mail.example.com'");
        assertThat(query("%1 %2 %3", "user@mail.example.com")).contains("com example mail");
        assertThat(query("100%% %s", "k")).contains("100% k");
    }

    @Test
    void suppressesTheQueryWhenTheKeyCannotFillIt() {
        assertThat(query("%d", "user")).isEmpty();
        assertThat(query("%u", "@example.com")).isEmpty();
        assertThat(query("%4", "user@mail.example.com")).isEmpty();
        assertThat(query("%1", "user")).isEmpty();
        assertThat(query("%u", "user")).contains("user");
    }

    @Test
    void quotesOnlyTheSubstitutedParts() {
        assertThat(query("a='%s'", "o'brien@example.com")).contains("a='o''brien@example.com'");
    }

    @Test
    void splitsAtTheLastAt() {
        assertThat(query("%u|%d", "\"a@b\"@example.com")).contains("\"a@b\"|example.com");
    }

    @Test
    void resultFormatUsesValueInLowerAndKeyInUpperCase() {
        QueryTemplate format = QueryTemplate.resultFormat("%u+%U@%d via %D %1");
        assertThat(format.formatResult("box@store.example", "joe@example.org"))
                .contains("box+joe@store.example via example.org org");
        assertThat(QueryTemplate.resultFormat("smtp:[%d]").formatResult("no-domain", "k")).isEmpty();
    }

    @Test
    void domainAsDnQuotesEachLabel() {
        QueryTemplate base = QueryTemplate.parse("ou=people,%l", QueryTemplate.Use.QUERY, "l");
        assertThat(base.expandQuery("joe@mail.example.com", s -> s.replace(",", "\\,")))
                .contains("ou=people,dc=mail,dc=example,dc=com");
        assertThat(base.expandQuery("joe", UnaryOperator.identity())).isEmpty();
    }

    @Test
    void rejectsUnknownEscapes() {
        assertThatThrownBy(() -> QueryTemplate.query("%x")).hasMessageContaining("invalid expansion \"%x\"");
        assertThat(query("%S|%U|%D", "u@example.com")).contains("u@example.com|u|example.com");
        assertThatThrownBy(() -> QueryTemplate.query("%l")).hasMessageContaining("%l");
        assertThatThrownBy(() -> QueryTemplate.query("50%")).hasMessageContaining("at the end");
    }
}
