// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;

import javax.net.ssl.SSLSocketFactory;

import org.postern.api.tls.TlsSessionResult.PolicyType;

/**
 * The TLS one connection uses, as the destination's policy and the host's DANE records decide.
 *
 * @param requirement none, opportunistic (plaintext when STARTTLS is not offered or fails) or
 *                    mandatory (the host is deferred without TLS)
 * @param factory     the handshake's trust: anything, the CAs, or the host's TLSA records
 * @param verifyName  the host name checked against the certificate by PKIX, or null
 * @param serverName  the SNI name to send, or null for the host name
 * @param trust       how the log line names the session: "Verified" or "Untrusted"
 * @param policyType  what TLSRPT counts the session under (tlsa, sts or no-policy-found)
 * @param policyStrings the policy's records, as TLSRPT reports them
 */
record EndpointTls(Requirement requirement, SSLSocketFactory factory, String verifyName, String serverName,
                   String trust, PolicyType policyType, List<String> policyStrings) {

    enum Requirement { NONE, OPPORTUNISTIC, MANDATORY }

    static final EndpointTls NONE = new EndpointTls(Requirement.NONE, null, null, null, "", PolicyType.NO_POLICY_FOUND,
            List.of());

    EndpointTls {
        policyStrings = List.copyOf(policyStrings);
    }

    boolean mandatory() {
        return requirement == Requirement.MANDATORY;
    }

    /** Whether the certificate is checked (verify, secure, DANE): its failures are never retried in plaintext. */
    boolean authenticated() {
        return trust.equals("Verified");
    }
}
