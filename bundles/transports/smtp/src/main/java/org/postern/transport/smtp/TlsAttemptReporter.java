// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.transport.smtp.sts.StsDecision;

/**
 * SUMMARY   The TLS attempts of one delivery as RFC 8460 results for the TlsReportSink services
 *           ({@link TlsReports}): under the policy each endpoint's TLS was decided by (tlsa, sts,
 *           no-policy-found), with the MTA-STS decision's own view where it has one.
 * DESCRIPTION
 *   Under MTA-STS in mode testing, a certificate that enforce would refuse counts as that
 *   failure though the mail went; a domain whose announced policy could not be had counts the
 *   session as that failure (RFC 8460 section 4.3.2.3). Nothing is built when no sink is there.
 */
final class TlsAttemptReporter {

    private final SmtpClient client;
    private final String policyDomain;
    /** Null when MTA-STS does not apply to the destination. */
    private final StsDecision sts;
    /** False for a message whose sender waived the TLS policy ("TLS-Required: no"). */
    private final boolean reported;

    TlsAttemptReporter(SmtpClient client, String policyDomain, StsDecision sts, boolean reported) {
        this.client = client;
        this.policyDomain = policyDomain;
        this.sts = sts;
        this.reported = reported;
    }

    /** The listener for a session opened under {@code tls}. */
    TlsAttemptListener listenerFor(EndpointTls tls) {
        return (endpoint, helo, local, failure, reason) -> attempted(endpoint, tls, helo, local, failure, reason);
    }

    /** A host refused before connecting (its policy could not be learned or met). */
    void refused(Endpoint endpoint, PolicyType type, FailureType failure, String reason) {
        report(endpoint, new EndpointTls.ReportedPolicy(type, List.of(), List.of()), "", "", Optional.of(failure), reason);
    }

    /** An MX host that MTA-STS enforce does not allow. */
    void stsRefused(Endpoint endpoint, String reason) {
        report(endpoint, stsPolicy(), "", "", Optional.of(FailureType.VALIDATION_FAILURE), reason);
    }

    private void attempted(Endpoint endpoint, EndpointTls tls, String helo, String local, Optional<FailureType> failure,
                           String reason) {
        EndpointTls.ReportedPolicy policy = tls.policy();
        Optional<FailureType> result = failure;
        String why = reason;
        Optional<FailureType> stsCheck = sts == null ? Optional.empty() : sts.certificateFailure(endpoint.hostname());
        if (policy.type() == PolicyType.STS && stsCheck.isPresent()) {
            why = result.isEmpty() ? "mode testing: enforce would refuse the certificate" : why;
            result = stsCheck;          // the policy's own check knows why better than the handshake's exception
        } else if (sts != null && !sts.active() && sts.discoveryFailure().isPresent()
                && policy.type() == PolicyType.NO_POLICY_FOUND) {
            policy = stsPolicy();
            result = sts.discoveryFailure();
            why = sts.discoveryReason();
        }
        report(endpoint, policy, helo, local, result, why);
    }

    /** What MTA-STS counts a session under: the policy, or none when it could not be had. */
    private EndpointTls.ReportedPolicy stsPolicy() {
        return sts.policy().map(p -> new EndpointTls.ReportedPolicy(PolicyType.STS, p.policyStrings(), p.mxPatterns()))
                .orElse(new EndpointTls.ReportedPolicy(PolicyType.STS, List.of(), List.of()));
    }

    private void report(Endpoint endpoint, EndpointTls.ReportedPolicy policy, String helo, String local,
                        Optional<FailureType> failure, String reason) {
        if (!reported || !client.reports().wanted() || endpoint.isUnix()) {
            return;
        }
        client.reports().report(new TlsSessionResult(Instant.now(), policyDomain, policy.type(), policy.strings(),
                policy.mxHosts(), endpoint.hostname(), helo, endpoint.addressText(), local, failure, reason), client.log());
    }
}
