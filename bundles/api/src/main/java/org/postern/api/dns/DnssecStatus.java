// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

/**
 * What DNSSEC says about an answer (RFC 4035 section 4.3). DANE (RFC 7672) uses only SECURE
 * answers; BOGUS and INDETERMINATE answers come with a {@link DnsResult.TemporaryFailure}.
 */
public enum DnssecStatus {
    /** Validated from a trust anchor: the AD bit of a validating resolver, or local validation. */
    SECURE,
    /** Provably unsigned (or not validated: a resolver that does not set AD says nothing more). */
    INSECURE,
    /** Signed but failed validation: an attack or a broken zone. */
    BOGUS,
    /** The status could not be determined (no answer, timeout, unusable resolver). */
    INDETERMINATE;

    /** SECURE when {@code authenticated} (the AD bit), else INSECURE. */
    public static DnssecStatus of(boolean authenticated) {
        return authenticated ? SECURE : INSECURE;
    }
}
