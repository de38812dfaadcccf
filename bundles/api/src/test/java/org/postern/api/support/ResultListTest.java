// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.LookupResult;

class ResultListTest {

    @Test
    void joinsFormattedValuesAndSkipsDroppedOnes() {
        ResultList list = new ResultList(QueryTemplate.resultFormat("%d"), 0, "k");
        list.add("a@one.example");
        list.add("no-domain");
        list.add("b@two.example");
        assertThat(list.result("t")).isEqualTo(LookupResult.found("one.example,two.example"));
    }

    @Test
    void exceedingTheExpansionLimitIsATemporaryFailure() {
        ResultList list = new ResultList(QueryTemplate.resultFormat("%s"), 2, "k");
        assertThat(list.add("a")).isTrue();
        assertThat(list.add("b")).isTrue();
        assertThat(list.add("c")).isFalse();
        assertThat(list.result("ldap:x")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void nothingIsNotFound() {
        assertThat(new ResultList(QueryTemplate.resultFormat("%s"), 0, "k").result("t"))
                .isEqualTo(LookupResult.notFound());
    }
}
