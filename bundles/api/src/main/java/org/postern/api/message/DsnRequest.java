// SPDX-License-Identifier: Apache-2.0
package org.postern.api.message;

import java.util.Locale;
import java.util.Objects;

/**
 * The RFC 3461 envelope parameters of MAIL FROM that concern the whole message.
 *
 * @param envelopeId ENVID=, as given (xtext), empty when none
 * @param ret        RET=, {@link Return#UNSPECIFIED} when none
 */
public record DsnRequest(String envelopeId, Return ret) {

    public static final DsnRequest NONE = new DsnRequest("", Return.UNSPECIFIED);

    /** RET=: what a notice carries of the original message. */
    public enum Return {
        UNSPECIFIED, FULL, HDRS;

        /** The RET= keyword (FULL, HDRS), empty for UNSPECIFIED. */
        public String keyword() {
            return this == UNSPECIFIED ? "" : name();
        }

        /** FULL or HDRS in any case; anything else (including empty) is UNSPECIFIED. */
        public static Return of(String keyword) {
            return switch (keyword == null ? "" : keyword.strip().toUpperCase(Locale.ROOT)) {
                case "FULL" -> FULL;
                case "HDRS" -> HDRS;
                default -> UNSPECIFIED;
            };
        }
    }

    public DsnRequest {
        Objects.requireNonNull(envelopeId, "envelopeId");
        Objects.requireNonNull(ret, "ret");
    }
}
