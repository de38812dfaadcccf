// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;

class RandmapDictFactoryTest {
    private static final int DRAWS = 100_000;

    private final RandmapDictFactory factory = new RandmapDictFactory(() -> new Random(20240601L));

    private Map<String, Integer> draw(Dict dict) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            counts.merge(dict.lookup("any key").foundValue().orElseThrow(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void lookupShouldPickEachValueAboutEquallyOften() throws DictException {
        Dict dict = factory.open("{a, b, c}", Set.of(), null);
        Map<String, Integer> counts = draw(dict);
        assertThat(counts).containsOnlyKeys("a", "b", "c");
        // Fixed seed: the counts are reproducible; the bound is 5 standard deviations (sigma ~ 149).
        counts.values().forEach(n -> assertThat(n).isBetween(DRAWS / 3 - 750, DRAWS / 3 + 750));
        assertThat(dict.flags()).contains(DictFlag.PATTERN).doesNotContain(DictFlag.FIXED);
    }

    @Test
    void lookupShouldFollowWeightsWhenResultsAreWeighted() throws DictException {
        Dict dict = factory.open("{{result1}*99, {result2}*1}", Set.of(), null);
        Map<String, Integer> counts = draw(dict);
        // Binomial(100000, 0.01): mean 1000, sigma ~31.5; 5 sigma either side.
        assertThat(counts.get("result2")).isBetween(842, 1158);
        assertThat(counts.get("result1")).isEqualTo(DRAWS - counts.get("result2"));
    }

    @Test
    void lookupShouldReturnBracedResultsWithoutBraces() throws DictException {
        Dict dict = factory.open("{ {smtp:[a.example]:25, with comma}*3, plain }", Set.of(), null);
        assertThat(draw(dict)).containsOnlyKeys("smtp:[a.example]:25, with comma", "plain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "a", "{ }", "{a}b", "{ {a}*0 }", "{ {} }", "{ {a }", "{ {a}b }"})
    void openShouldFailWithClearMessageOnBadSpec(String name) {
        assertThatThrownBy(() -> factory.open(name, Set.of(), null)).isInstanceOf(DictException.class)
                .hasMessageContaining("randmap:");
    }
}
