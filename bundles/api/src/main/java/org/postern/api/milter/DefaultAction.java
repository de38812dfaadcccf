// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.Locale;

/** milter_default_action: what a filter that is down, slow or speaks garbage amounts to. */
public enum DefaultAction {
    /** Proceed as if the filter did not exist. */
    ACCEPT,
    /** 550 5.7.1 Command rejected. */
    REJECT,
    /** 451 4.7.1 Service unavailable - try again later (Postfix's default). */
    TEMPFAIL,
    /** Accept, and put the message on hold. */
    QUARANTINE;

    /** The main.cf spelling ("accept", "tempfail", ...); IllegalArgumentException for another word. */
    public static DefaultAction of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** As written in main.cf. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
