// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.util.Locale;

/** RFC 3464 section 2.3.3 Action values. */
public enum DsnAction {
    FAILED, DELAYED, DELIVERED, RELAYED, EXPANDED;

    /** The value as it appears in an Action: field. */
    public String fieldValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
