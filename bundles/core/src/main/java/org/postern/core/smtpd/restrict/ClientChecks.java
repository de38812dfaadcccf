// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.rewrite.LookupFailure;

/**
 * The client restrictions: permit_mynetworks, permit_inet_interfaces,
 * permit_sasl_authenticated, reject_unknown_client_hostname and
 * reject_unknown_reverse_client_hostname. The client DNS-list checks are in
 * {@link DnsListChecks}, check_client_access in {@link AccessTables}.
 * BUGS  reject_unknown_client_hostname asks the DNS itself when the name is "unknown" (see
 *       {@link RestrictionChecks}).
 */
final class ClientChecks {

    private final Evaluation evaluation;

    ClientChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict permitMynetworks(Target t) {
        StageFacts f = evaluation.facts();
        if (f.clientAddress() == null) {
            return Verdict.DUNNO;
        }
        try {
            return evaluation.config().mynetworks.matches(f.clientName(), f.clientAddress()) ? Verdict.PERMIT
                    : Verdict.DUNNO;
        } catch (LookupFailure failure) {
            return evaluation.lookupFailed(failure, t.replyName());
        }
    }

    Verdict permitInetInterfaces() {
        String address = evaluation.facts().clientAddress();
        return address != null && evaluation.config().ownAddresses.contains(address) ? Verdict.PERMIT : Verdict.DUNNO;
    }

    Verdict permitSaslAuthenticated() {
        String user = evaluation.facts().facts().saslUsername();
        return user != null && !user.isEmpty() ? Verdict.PERMIT : Verdict.DUNNO;
    }

    /** reject_unknown_client_hostname ({@code forward}) and reject_unknown_reverse_client_hostname. */
    Verdict rejectUnknown(boolean forward) {
        StageFacts f = evaluation.facts();
        String name = forward ? f.clientName() : f.reverseName();
        if (f.clientAddress() == null || !name.equalsIgnoreCase("unknown")) {
            return Verdict.DUNNO;
        }
        DnsChecks.Status s = evaluation.config().dns.clientName(f.clientAddress(), forward);
        if (s == DnsChecks.Status.OK) {
            return Verdict.DUNNO;
        }
        int code = s == DnsChecks.Status.RETRY ? 450 : evaluation.config().unknownClientCode;
        return forward
                ? evaluation.refusals().reject(code, "4.7.25",
                        "Client host rejected: cannot find your hostname, [" + f.clientAddress() + "]")
                : evaluation.refusals().reject(code, "4.7.1",
                        "Client host rejected: cannot find your reverse hostname, [" + f.clientAddress() + "]");
    }
}
