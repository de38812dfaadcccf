// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.util.Arrays;

import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;

/** RFC 8460's spellings back to the api's types ("sts", "certificate-expired" ...). */
public final class WireNames {

    private WireNames() {
    }

    public static PolicyType policyType(String wire) {
        return Arrays.stream(PolicyType.values()).filter(t -> t.wireName().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown policy-type: " + wire));
    }

    public static FailureType failureType(String wire) {
        return Arrays.stream(FailureType.values()).filter(t -> t.wireName().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown result-type: " + wire));
    }
}
