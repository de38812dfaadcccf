// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class SqlHostTest {

    @Test
    void shouldParseThePostfixForms() {
        assertThat(SqlHost.parse("unix:/run/mysqld/mysqld.sock", 3306))
                .isEqualTo(new SqlHost("unix:/run/mysqld/mysqld.sock", true, null, 0, "/run/mysqld/mysqld.sock"));
        assertThat(SqlHost.parse("inet:db1.example.com:3307", 3306))
                .isEqualTo(new SqlHost("inet:db1.example.com:3307", false, "db1.example.com", 3307, null));
        assertThat(SqlHost.parse("db2.example.com", 5432).port()).isEqualTo(5432);
        assertThat(SqlHost.parse("[2001:db8::1]:6000", 5432).host()).isEqualTo("2001:db8::1");
        assertThat(SqlHost.parse("[2001:db8::1]:6000", 5432).port()).isEqualTo(6000);
        assertThat(SqlHost.parse("2001:db8::1", 5432).host()).isEqualTo("2001:db8::1");
    }

    @Test
    void emptyListShouldMeanLocalhost() {
        assertThat(SqlHost.parseAll(List.of(), 3306)).extracting(SqlHost::host).containsExactly("localhost");
    }

    @Test
    void badEntriesShouldBeRefused() {
        assertThatThrownBy(() -> SqlHost.parse("db:http", 3306)).hasMessageContaining("bad port");
        assertThatThrownBy(() -> SqlHost.parse("db:70000", 3306)).hasMessageContaining("bad port");
        assertThatThrownBy(() -> SqlHost.parse("unix:", 3306)).hasMessageContaining("empty socket path");
        assertThatThrownBy(() -> SqlHost.parse("inet::3306", 3306)).hasMessageContaining("empty host");
    }
}
