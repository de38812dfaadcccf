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

class FiltermapDictFactoryTest {

    private final FactoryRegistry registry = FactoryRegistry.withBuiltins(null)
            .with("filtermap", new FiltermapDictFactory());
    private static final Set<DictFlag> FOLD = Set.of(DictFlag.FOLD_CASE);

    @Test
    void keepsTheListedFieldsInTheListedOrder() throws DictException {
        Dict second = registry.openStrict("filtermap:{2}:static:{/home/joe/Maildir/, 5G, smtp:[relay]}", FOLD);
        assertThat(second.lookup("joe")).isEqualTo(LookupResult.found("5G"));
        Dict swapped = registry.openStrict("filtermap:{3,1}:static:{/home/joe/Maildir/, 5G, smtp:[relay]}", FOLD);
        assertThat(swapped.lookup("joe")).isEqualTo(LookupResult.found("smtp:[relay],/home/joe/Maildir/"));
    }

    @Test
    void aMissingOrEmptyFieldIsNotFound() throws DictException {
        assertThat(registry.openStrict("filtermap:{4}:static:{a, b}", FOLD).lookup("k")).isEqualTo(LookupResult.notFound());
        assertThat(registry.openStrict("filtermap:{2}:static:{a, , c}", FOLD).lookup("k")).isEqualTo(LookupResult.notFound());
        assertThat(registry.openStrict("filtermap:{1}:inline:{x=1}", FOLD).lookup("y")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void failuresPassThrough() throws DictException {
        assertThat(registry.openStrict("filtermap:{1}:fail:down", FOLD).lookup("k"))
                .isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void rejectsBadFieldLists() {
        assertThatThrownBy(() -> registry.openStrict("filtermap:{0}:static:x", FOLD)).hasMessageContaining("expected field numbers from 1");
        assertThatThrownBy(() -> registry.openStrict("filtermap:{two}:static:x", FOLD)).hasMessageContaining("\"two\"");
        assertThatThrownBy(() -> registry.openStrict("filtermap:static:x", FOLD)).hasMessageContaining("bad syntax");
    }
}
