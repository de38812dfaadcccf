// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class UnionmapDictFactoryTest {
    private final FactoryRegistry registry = FactoryRegistry.withBuiltins(null);
    private static final Set<DictFlag> FOLD = Set.of(DictFlag.FOLD_CASE);

    @Test
    void lookupShouldJoinEveryResultWithCommas() throws DictException {
        Dict dict = registry.openStrict("unionmap:{inline:{a=1}, inline:{a=2,b=3}, static:s}", FOLD);
        assertThat(dict.lookup("a")).isEqualTo(LookupResult.found("1,2,s"));
        assertThat(dict.lookup("B")).isEqualTo(LookupResult.found("3,s"));
    }

    @Test
    void lookupShouldReturnNotFoundWhenNoTableHasTheKey() throws DictException {
        Dict dict = registry.openStrict("unionmap:{inline:{a=1}, inline:{b=3}}", FOLD);
        assertThat(dict.lookup("z")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void lookupShouldPropagateTemporaryFailureInsteadOfPartialUnion() throws DictException {
        Dict dict = registry.openStrict("unionmap:{inline:{a=1}, fail:down, inline:{a=2}}", FOLD);
        assertThat(dict.lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
        Dict missingType = registry.openStrict("unionmap:{inline:{a=1}, ldap:/nope.cf}", FOLD);
        assertThat(missingType.lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void flagsShouldComeFromTheFirstTable() throws DictException {
        assertThat(registry.openStrict("unionmap:{inline:{a=1}, fail:x}", FOLD).flags())
                .contains(DictFlag.FIXED, DictFlag.FOLD_CASE).doesNotContain(DictFlag.PATTERN);
        assertThat(registry.openStrict("unionmap:{fail:x, inline:{a=1}}", FOLD).flags())
                .contains(DictFlag.PATTERN).doesNotContain(DictFlag.FIXED);
    }

    @Test
    void openShouldShareMemberTablesThroughTheRegistry() throws DictException {
        registry.openStrict("unionmap:{inline:{a=1}, static:s}", FOLD);
        int before = registry.opens;
        registry.openStrict("unionmap:{static:s, inline:{a=1}}", FOLD);
        assertThat(registry.opens).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{ }", "inline:{a=1}", "{inline:{a=1}}x", "{ nocolon }", "{ inline:{a=1 }"})
    void openShouldFailWithClearMessageOnBadSpec(String name) {
        assertThatThrownBy(() -> registry.openStrict("unionmap:" + name, FOLD)).isInstanceOf(DictException.class)
                .hasMessageContaining("unionmap:");
    }
}
