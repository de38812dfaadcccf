// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;

import org.postern.api.dict.Dict;
import org.postern.api.dict.LookupResult;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtpd.tls.ClientCertificate;

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

    /**
     * permit_tls_all_clientcerts ({@code all}): a trusted client certificate (smtpd_tls_CAfile);
     * permit_tls_clientcerts: a certificate whose fingerprint, or public key fingerprint, is a
     * key of relay_clientcerts (trusted or not: the fingerprint is the credential).
     */
    Verdict permitTlsClientcerts(boolean all) {
        ClientCertificate cc = evaluation.facts().facts().clientCertificate();
        if (cc == null) {
            return Verdict.DUNNO;
        }
        if (all) {
            return cc.trusted() ? Verdict.PERMIT : Verdict.DUNNO;
        }
        for (Dict table : evaluation.config().relayClientcerts) {
            for (String key : List.of(cc.fingerprint(), cc.pkeyFingerprint())) {
                org.postern.api.dict.LookupResult r = table.lookup(key);
                if (r instanceof LookupResult.Found) {
                    RestrictionChecks.LOG.info("Relaying allowed for certified client: {}", key);
                    return Verdict.PERMIT;
                }
                if (!(r instanceof LookupResult.NotFound)) {
                    RestrictionChecks.LOG.warn("warning: relay_clientcerts: {} lookup error for \"{}\"",
                            table.spec(), key);
                    return evaluation.refusals().serverError();
                }
            }
        }
        return Verdict.DUNNO;
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
