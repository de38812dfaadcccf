// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens {@code type:name} tables as main.cf writes them, shares open tables, and follows
 * table factories as bundles come and go. Provided by core.
 */
@ProviderType
public interface DictRegistry {

    /**
     * Opens {@code spec} (e.g. {@code cidr:/etc/postern/clients.cidr}). Never throws and never
     * returns null: a table whose type is not installed, or that fails to open, is a surrogate
     * whose lookups are temporary failures ({@code unsupported dictionary type: <type>}) until
     * the type's bundle arrives, after which the same handle answers for real.
     */
    Dict open(String spec, Set<DictFlag> flags);

    /** One lookup in {@code spec}, opened with the default flags. */
    default LookupResult lookup(String spec, String key) {
        return open(spec, Set.of(DictFlag.FOLD_CASE)).lookup(key);
    }
}
