// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

/**
 * A table or resolver gave no answer: {@code temporary} for a temporary failure (Postfix
 * DICT_ERR_RETRY, answered 451 4.3.0), otherwise a configuration error (451 4.3.5).
 */
public final class LookupFailure extends Exception {
    private static final long serialVersionUID = 1L;
    public final boolean temporary;

    /** True for a temporary failure, false for a configuration error. */
    public boolean isTemporary() {
        return temporary;
    }

    public LookupFailure(boolean temporary, String reason) {
        super(reason, null, false, false);
        this.temporary = temporary;
    }
}
