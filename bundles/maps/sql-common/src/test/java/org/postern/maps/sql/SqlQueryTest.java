// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlQueryTest {

    @Test
    void quotedKeyShouldBecomeOneParameter() {
        SqlQuery q = SqlQuery.parse("SELECT replacement FROM aliases WHERE mailbox = '%s'");
        assertThat(q.sql()).isEqualTo("SELECT replacement FROM aliases WHERE mailbox = ?");
        assertThat(q.bind("a' OR '1'='1")).contains(List.of("a' OR '1'='1"));
    }

    @Test
    void unquotedEscapeShouldBecomeParameter() {
        SqlQuery q = SqlQuery.parse("SELECT x FROM t WHERE a = %u AND b = %d");
        assertThat(q.sql()).isEqualTo("SELECT x FROM t WHERE a = ? AND b = ?");
        assertThat(q.bind("alice@example.com")).contains(List.of("alice", "example.com"));
    }

    @Test
    void literalWithTextAroundEscapesShouldBindTheExpandedContent() {
        SqlQuery q = SqlQuery.parse("SELECT x FROM t WHERE a = '%u@%2.%1' AND c = 'O''%3'");
        assertThat(q.sql()).isEqualTo("SELECT x FROM t WHERE a = ? AND c = ?");
        assertThat(q.bind("bob@mail.example.org")).contains(List.of("bob@example.org", "O'mail"));
    }

    @Test
    void literalsWithoutEscapesShouldStayAsWrittenWithDoublePercentUndoubled() {
        SqlQuery q = SqlQuery.parse("SELECT 'it''s', \"q\" FROM t WHERE a LIKE 'x%%' AND b = %s AND c = 100%%");
        assertThat(q.sql()).isEqualTo("SELECT 'it''s', \"q\" FROM t WHERE a LIKE 'x%' AND b = ? AND c = 100%");
        assertThat(q.parameterCount()).isEqualTo(1);
    }

    @Test
    void doubleQuotedLiteralWithEscapeShouldBeParameter() {
        SqlQuery q = SqlQuery.parse("SELECT x FROM t WHERE a = \"%s\"");
        assertThat(q.sql()).isEqualTo("SELECT x FROM t WHERE a = ?");
    }

    @Test
    void upperCaseEscapesShouldMeanLowerCaseInQueries() {
        SqlQuery q = SqlQuery.parse("SELECT x FROM t WHERE a = '%U' AND b = '%D' AND c = '%S' AND d = '%%S'");
        assertThat(q.sql()).isEqualTo("SELECT x FROM t WHERE a = ? AND b = ? AND c = ? AND d = '%S'");
        assertThat(q.bind("u@d")).contains(List.of("u", "d", "u@d"));
    }

    @Test
    void bindShouldBeEmptyWhenKeyCannotFillTheTemplate() {
        assertThat(SqlQuery.parse("SELECT x FROM t WHERE d = '%d'").bind("alice")).isEmpty();
        assertThat(SqlQuery.parse("SELECT x FROM t WHERE d = '%3'").bind("a@example.com")).isEmpty();
        assertThat(SqlQuery.parse("SELECT x FROM t WHERE u = '%u'").bind("@example.com")).isEmpty();
    }

    @Test
    void constantQueryShouldHaveNoParameters() {
        SqlQuery q = SqlQuery.parse("SELECT 'OK'");
        assertThat(q.sql()).isEqualTo("SELECT 'OK'");
        assertThat(q.bind("anything")).contains(List.of());
    }

    @Test
    void badTemplatesShouldBeRefusedWithTheReason() {
        assertThatThrownBy(() -> SqlQuery.parse("SELECT x FROM t WHERE a = '%s")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> SqlQuery.parse("SELECT x FROM t WHERE a = %x")).hasMessageContaining("%x");
        assertThatThrownBy(() -> SqlQuery.parse("SELECT x FROM t WHERE a = '%x'")).hasMessageContaining("%x");
        assertThatThrownBy(() -> SqlQuery.parse("SELECT x FROM t WHERE a = 5%")).hasMessageContaining("at the end");
        assertThatThrownBy(() -> SqlQuery.parse("SELECT x FROM t WHERE a = '\\%s'")).hasMessageContaining("backslash");
    }
}
