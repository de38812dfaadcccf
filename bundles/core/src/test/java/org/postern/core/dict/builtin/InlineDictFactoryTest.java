// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class InlineDictFactoryTest {
    private final InlineDictFactory factory = new InlineDictFactory();

    // postconf(5): inline:{ key=value, { key = text with, commas } }.
    @Test
    void lookupShouldFindPlainAndBracedEntries() throws DictException {
        Dict dict = factory.open("{ key=value, { key2 = text with, commas } }", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(dict.lookup("key")).isEqualTo(LookupResult.found("value"));
        assertThat(dict.lookup("key2")).isEqualTo(LookupResult.found("text with, commas"));
        assertThat(dict.lookup("other")).isEqualTo(LookupResult.notFound());
        assertThat(dict.flags()).contains(DictFlag.FIXED).doesNotContain(DictFlag.PATTERN);
    }

    @Test
    void lookupShouldFoldKeysOnlyWhenOpenedWithFoldCase() throws DictException {
        Dict folded = factory.open("{ Key=value }", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(folded.lookup("KEY")).isEqualTo(LookupResult.found("value"));
        assertThat(folded.lookup("key")).isEqualTo(LookupResult.found("value"));
        Dict exact = factory.open("{ Key=Value }", Set.of(), null);
        assertThat(exact.lookup("Key")).isEqualTo(LookupResult.found("Value"));
        assertThat(exact.lookup("key")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void laterEntryShouldReplaceEarlierOneAndIterationShouldKeepOrder() throws DictException {
        Dict dict = factory.open("{ b=1, a=2, c=3, a=4 }", Set.of(), null);
        assertThat(dict.lookup("a")).isEqualTo(LookupResult.found("4"));
        Map<String, String> seen = new LinkedHashMap<>();
        assertThat(dict.capabilities()).contains(DictCapability.ITERATE);
        dict.forEach(seen::put);
        assertThat(seen).containsExactly(Map.entry("b", "1"), Map.entry("a", "4"), Map.entry("c", "3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"key=value", "{}", "{ }", "{ key }", "{ a = b }", "{ =x }", "{ a= }", "{ {a=b }",
        "{a=b}x", "{ {a=b}c }"})
    void openShouldFailWithClearMessageOnBadSpec(String name) {
        assertThatThrownBy(() -> factory.open(name, Set.of(), null)).isInstanceOf(DictException.class)
                .hasMessageContaining("inline:");
    }
}
