// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.util.List;
import java.util.Locale;

/** milter_default_action: what a filter that is down, slow or speaks garbage amounts to. */
public enum DefaultAction {
    /** Proceed as if the filter did not exist. */
    ACCEPT,
    /** 550 5.5.0 Service unavailable (Postfix's text; a filter's own SMFIR_REJECT is 550 5.7.1 Command rejected). */
    REJECT,
    /** 451 4.7.1 Service unavailable - try again later (Postfix's default). */
    TEMPFAIL,
    /** Accept, and put the message on hold. */
    QUARANTINE;

    /** The main.cf spelling ("accept", "tempfail", ...); IllegalArgumentException for another word. */
    public static DefaultAction of(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * The reply this action stands for, as Postfix's milter8 gives it.
     *
     * @since 0.3
     */
    public MilterReply reply() {
        return switch (this) {
            case ACCEPT -> MilterReply.CONTINUE;
            case REJECT -> new MilterReply.Refuse(550, "5.5.0", List.of("Service unavailable"));
            case TEMPFAIL -> new MilterReply.Refuse(451, "4.7.1", List.of("Service unavailable - try again later"));
            case QUARANTINE -> new MilterReply.Quarantine("milter triggers HOLD action");
        };
    }

    /** As written in main.cf. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
