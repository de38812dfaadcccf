// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/** A table name that cannot mean anything (no "type:"): every lookup answers the same failure. */
record BrokenDict(String spec, LookupResult failure) implements Dict {

    @Override
    public String type() {
        return "";
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public Set<DictFlag> flags() {
        return Set.of();
    }

    @Override
    public LookupResult lookup(String key) {
        return failure;
    }
}
