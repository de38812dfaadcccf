// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.counts;

import java.util.List;

import org.postern.api.tls.TlsSessionResult.PolicyType;

/**
 * One policy a domain's sessions were counted under (RFC 8460 section 4.4): its type, its
 * strings (TLSA records, or the STS policy's lines) and the STS policy's mx patterns.
 */
public record PolicyKey(PolicyType type, List<String> strings, List<String> mxHosts) {

    public PolicyKey {
        strings = List.copyOf(strings);
        mxHosts = List.copyOf(mxHosts);
    }
}
