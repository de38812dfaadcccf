// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class StaticDictFactoryTest {
    private final StaticDictFactory factory = new StaticDictFactory();

    @Test
    void lookupShouldReturnTheNameForEveryKey() throws DictException {
        Dict dict = factory.open("OK", Set.of(DictFlag.FOLD_CASE), null);
        assertThat(dict.lookup("anything")).isEqualTo(LookupResult.found("OK"));
        assertThat(dict.lookup("")).isEqualTo(LookupResult.found("OK"));
        assertThat(dict.spec()).isEqualTo("static:OK");
        assertThat(dict.flags()).contains(DictFlag.FIXED, DictFlag.FOLD_CASE).doesNotContain(DictFlag.PATTERN);
        assertThat(dict.capabilities()).doesNotContain(DictCapability.ITERATE);
    }

    // postconf(5): "static:{ text }" may contain whitespace; the braces and blanks inside them go.
    @Test
    void lookupShouldReturnTextWithSpacesWhenNameIsBraced() throws DictException {
        assertThat(factory.open("{ text with spaces }", Set.of(), null).lookup("x"))
                .isEqualTo(LookupResult.found("text with spaces"));
        assertThat(factory.open("{a {b} c}", Set.of(), null).lookup("x")).isEqualTo(LookupResult.found("a {b} c"));
    }

    @Test
    void openShouldFailOnBadSpec() {
        assertThatThrownBy(() -> factory.open("{a}b", Set.of(), null)).isInstanceOf(DictException.class)
                .hasMessageContaining("syntax error after '}'");
        assertThatThrownBy(() -> factory.open("{a", Set.of(), null)).hasMessageContaining("missing '}'");
        assertThatThrownBy(() -> factory.open("{ }", Set.of(), null)).hasMessageContaining("empty result");
        assertThatThrownBy(() -> factory.open("", Set.of(), null)).hasMessageContaining("empty result");
    }

    @Test
    void updateShouldBeRefused() throws DictException {
        Dict dict = factory.open("OK", Set.of(), null);
        assertThat(dict.flags()).contains(DictFlag.READ_ONLY);
        assertThatThrownBy(() -> dict.update("a", "b")).isInstanceOf(DictException.class);
    }
}
