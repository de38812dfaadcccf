// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;

import javax.net.ssl.SSLSocketFactory;

import org.postern.api.tls.TlsSessionResult.PolicyType;

/**
 * The TLS one connection uses, as the destination's policy and the host's DANE records decide.
 *
 * @param requirement   none, opportunistic (plaintext when STARTTLS is not offered or fails) or
 *                      mandatory (the host is deferred without TLS)
 * @param factory       the handshake's trust: anything, the CAs and names, fingerprints, or the
 *                      host's TLSA records
 * @param handshake     protocols, cipher suites and SNI name
 * @param wrapperMode   TLS from the first byte (smtps), no STARTTLS
 * @param trust         how the log line names the session: "Verified" or "Untrusted"
 * @param policy        what TLSRPT counts the session under
 */
record EndpointTls(Requirement requirement, SSLSocketFactory factory, Handshake handshake, boolean wrapperMode,
                   String trust, ReportedPolicy policy) {

    enum Requirement { NONE, OPPORTUNISTIC, MANDATORY }

    /**
     * @param protocols  the JSSE protocols to enable
     * @param suites     the JSSE cipher suites to enable
     * @param serverName the SNI name, or null for none
     */
    record Handshake(List<String> protocols, List<String> suites, String serverName) {
        Handshake {
            protocols = List.copyOf(protocols);
            suites = List.copyOf(suites);
        }
    }

    /**
     * The policy a TLSRPT report counts a session under (RFC 8460 section 4.4).
     *
     * @param type    tlsa, sts or no-policy-found
     * @param strings the TLSA records or the STS policy's lines
     * @param mxHosts the STS policy's mx patterns
     */
    record ReportedPolicy(PolicyType type, List<String> strings, List<String> mxHosts) {
        static final ReportedPolicy NONE = new ReportedPolicy(PolicyType.NO_POLICY_FOUND, List.of(), List.of());

        ReportedPolicy {
            strings = List.copyOf(strings);
            mxHosts = List.copyOf(mxHosts);
        }
    }

    static final EndpointTls NONE = new EndpointTls(Requirement.NONE, null, null, false, "", ReportedPolicy.NONE);

    /** The same connection counted under {@code other}. */
    EndpointTls reportedAs(ReportedPolicy other) {
        return new EndpointTls(requirement, factory, handshake, wrapperMode, trust, other);
    }

    /** The same TLS, mandatory when {@code yes} and there is TLS to require (opportunistic+starttls). */
    EndpointTls mandatory(boolean yes) {
        return !yes || requirement != Requirement.OPPORTUNISTIC ? this
                : new EndpointTls(Requirement.MANDATORY, factory, handshake, wrapperMode, trust, policy);
    }

    boolean mandatory() {
        return requirement == Requirement.MANDATORY;
    }

    /** Whether the certificate is checked (verify, secure, fingerprint, DANE): failures are never retried in plaintext. */
    boolean authenticated() {
        return trust.equals("Verified");
    }
}
