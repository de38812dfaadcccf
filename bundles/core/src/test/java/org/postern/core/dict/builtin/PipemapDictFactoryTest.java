// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class PipemapDictFactoryTest {
    private final FactoryRegistry registry = FactoryRegistry.withBuiltins(null);
    private static final Set<DictFlag> FOLD = Set.of(DictFlag.FOLD_CASE);

    @Test
    void lookupShouldFeedEachResultToTheNextTable() throws DictException {
        Dict dict = registry.openStrict("pipemap:{inline:{a=b}, inline:{b=c}}", FOLD);
        assertThat(dict.lookup("a")).isEqualTo(LookupResult.found("c"));
    }

    @Test
    void lookupShouldLetEachTableFoldTheIntermediateKey() throws DictException {
        Dict dict = registry.openStrict("pipemap:{inline:{a=B}, inline:{b=c}}", FOLD);
        assertThat(dict.lookup("A")).isEqualTo(LookupResult.found("c"));
    }

    @Test
    void lookupShouldStopAtFirstMissOrFailure() throws DictException {
        assertThat(registry.openStrict("pipemap:{inline:{a=b}, inline:{x=c}}", FOLD).lookup("a"))
                .isEqualTo(LookupResult.notFound());
        assertThat(registry.openStrict("pipemap:{inline:{a=b}, fail:y}", FOLD).lookup("a"))
                .isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(registry.openStrict("pipemap:{inline:{z=b}, fail:y}", FOLD).lookup("a"))
                .isEqualTo(LookupResult.notFound());
    }

    @Test
    void singleTablePipelineShouldBeThatTable() throws DictException {
        Dict dict = registry.openStrict("pipemap:{inline:{a=b}}", FOLD);
        assertThat(dict.lookup("a")).isEqualTo(LookupResult.found("b"));
        assertThat(dict.flags()).contains(DictFlag.FIXED);
    }

    @Test
    void openShouldFailWithClearMessageOnBadSpec() {
        assertThatThrownBy(() -> registry.openStrict("pipemap:{}", FOLD))
                .hasMessage("bad syntax: \"pipemap:{}\"; need \"pipemap:{type:name...}\"");
        assertThatThrownBy(() -> registry.openStrict("pipemap:inline:{a=b}", FOLD)).isInstanceOf(DictException.class);
    }
}
