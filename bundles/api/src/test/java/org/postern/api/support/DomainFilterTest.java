// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.support.DomainFilter.Verdict;

class DomainFilterTest {

    @TempDir
    Path dir;

    private DomainFilter filter(String domain) throws Exception {
        return DomainFilter.from(TableConfig.parse("test.cf", List.of(new TableLines.Line(1, "domain = " + domain))), null);
    }

    @Test
    void onlyQualifiedAddressesInListedDomainsAreLookedUp() throws Exception {
        DomainFilter filter = filter("example.com, Example.ORG");
        assertThat(filter.check("joe@example.com")).isEqualTo(Verdict.LOOK_UP);
        assertThat(filter.check("joe@EXAMPLE.org")).isEqualTo(Verdict.LOOK_UP);
        assertThat(filter.check("joe@sub.example.com")).isEqualTo(Verdict.SKIP);
        assertThat(filter.check("@example.com")).isEqualTo(Verdict.SKIP);
        assertThat(filter.check("example.com")).isEqualTo(Verdict.SKIP);
        assertThat(filter.check("joe")).isEqualTo(Verdict.SKIP);
    }

    @Test
    void readsFilesAndHonoursNegation() throws Exception {
        Path list = dir.resolve("domains");
        Files.writeString(list, "# ours\na.example b.example\n");
        DomainFilter filter = filter("!b.example, " + list);
        assertThat(filter.check("x@a.example")).isEqualTo(Verdict.LOOK_UP);
        assertThat(filter.check("x@b.example")).isEqualTo(Verdict.SKIP);
    }

    @Test
    void withoutDomainEverythingIsLookedUp() {
        assertThat(DomainFilter.all().check("anything")).isEqualTo(Verdict.LOOK_UP);
    }
}
