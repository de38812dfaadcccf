// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class ProxyDictFactoryTest {
    private final FactoryRegistry registry = FactoryRegistry.withBuiltins(null);
    private static final Set<DictFlag> FOLD = Set.of(DictFlag.FOLD_CASE);

    @Test
    void lookupShouldPassThroughToTheSharedInnerTable() throws DictException {
        Dict inner = registry.open("inline:{a=1}", FOLD);
        Dict proxy = registry.openStrict("proxy:inline:{a=1}", FOLD);
        assertThat(proxy.lookup("A")).isEqualTo(LookupResult.found("1"));
        assertThat(((ProxyDictFactory.ProxyDict) proxy).inner()).isSameAs(inner);
        assertThat(proxy.spec()).isEqualTo("proxy:inline:{a=1}");
        assertThat(proxy.flags()).contains(DictFlag.FIXED, DictFlag.READ_ONLY);
    }

    @Test
    void proxyShouldIterateWhenInnerTableDoesAndRefuseUpdates() throws DictException {
        Dict proxy = registry.openStrict("proxy:inline:{a=1, b=2}", FOLD);
        Map<String, String> seen = new LinkedHashMap<>();
        assertThat(proxy.capabilities()).containsExactly(DictCapability.ITERATE);
        proxy.forEach(seen::put);
        assertThat(seen).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThatThrownBy(() -> proxy.update("c", "3")).hasMessageContaining("read-only");
        assertThatThrownBy(() -> proxy.delete("a")).hasMessageContaining("read-only");
    }

    @Test
    void lookupShouldPropagateInnerFailure() throws DictException {
        assertThat(registry.openStrict("proxy:fail:x", FOLD).lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(registry.openStrict("proxy:mysql:/nope.cf", FOLD).lookup("a")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void openShouldFailOnBadSpec() {
        assertThatThrownBy(() -> registry.openStrict("proxy:nocolon", FOLD)).hasMessageContaining("need \"proxy:type:name\"");
        assertThatThrownBy(() -> registry.openStrict("proxy:proxy:inline:{a=1}", FOLD)).isInstanceOf(DictException.class);
    }
}
