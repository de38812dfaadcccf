// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import org.postern.api.tls.TlsSessionResult.FailureType;

/**
 * One row of RFC 8460 section 4.3's failure-details, without its count. Empty strings stand
 * for absent optional fields.
 */
public record FailureKey(FailureType resultType, String sendingMtaIp, String receivingMxHostname,
                         String receivingMxHelo, String receivingIp, String additionalInformation,
                         String failureReasonCode) {

    public FailureKey {
        sendingMtaIp = nonNull(sendingMtaIp);
        receivingMxHostname = nonNull(receivingMxHostname);
        receivingMxHelo = nonNull(receivingMxHelo);
        receivingIp = nonNull(receivingIp);
        additionalInformation = nonNull(additionalInformation);
        failureReasonCode = nonNull(failureReasonCode);
    }

    /** The row with the result type only: where details beyond {@link PolicyCounts#MAX_DETAILS} go. */
    public FailureKey typeOnly() {
        return new FailureKey(resultType, "", "", "", "", "", "");
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
