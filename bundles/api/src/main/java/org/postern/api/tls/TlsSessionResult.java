// SPDX-License-Identifier: Apache-2.0
package org.postern.api.tls;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One TLS session attempt towards a policy domain, in RFC 8460 terms: what a TLSRPT report
 * counts (section 4.4 policies, section 4.3 failure details).
 *
 * @param time             when the attempt ended
 * @param policyDomain     the recipient domain whose policy applied (for a "[host]" nexthop, the host)
 * @param policyType       sts, tlsa or no-policy-found
 * @param policyStrings    the policy as RFC 8460 section 4.4 records it (TLSA RRs in presentation
 *                         form, or the STS policy's lines); empty for no-policy-found
 * @param mxHostPatterns   the STS policy's "mx" patterns; empty for other types
 * @param receivingMxHost  the MX host name
 * @param receivingMxHelo  the name the MX gave in its greeting, empty when it gave none or the
 *                         attempt failed before
 * @param receivingIp      the MX address
 * @param sendingIp        our address, empty when the connection was not made
 * @param failure          empty on success
 * @param failureReasonCode free text saying why (RFC 8460 failure-reason-code); empty when none
 */
public record TlsSessionResult(Instant time, String policyDomain, PolicyType policyType, List<String> policyStrings,
                               List<String> mxHostPatterns, String receivingMxHost, String receivingMxHelo,
                               String receivingIp, String sendingIp, Optional<FailureType> failure,
                               String failureReasonCode) {

    public TlsSessionResult {
        policyStrings = List.copyOf(policyStrings);
        mxHostPatterns = List.copyOf(mxHostPatterns);
    }

    public boolean successful() {
        return failure.isEmpty();
    }

    /** RFC 8460 section 4.3 policy-type. */
    public enum PolicyType {
        STS("sts"), TLSA("tlsa"), NO_POLICY_FOUND("no-policy-found");

        private final String wireName;

        PolicyType(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** RFC 8460 section 4.3 result-type values. */
    public enum FailureType {
        STARTTLS_NOT_SUPPORTED, CERTIFICATE_HOST_MISMATCH, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_TRUSTED,
        VALIDATION_FAILURE, TLSA_INVALID, DNSSEC_INVALID, DANE_REQUIRED,
        STS_POLICY_FETCH_ERROR, STS_POLICY_INVALID, STS_WEBPKI_INVALID;

        /** The JSON spelling, e.g. {@code starttls-not-supported}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
