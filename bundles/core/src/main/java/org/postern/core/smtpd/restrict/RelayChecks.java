// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.rewrite.AddressResolver.AddressClass;
import org.postern.core.rewrite.AddressResolver.Resolved;

/**
 * Relay control: permit_auth_destination, reject_unauth_destination,
 * defer_unauth_destination. A destination is authorized when the recipient resolves to one of
 * our address classes or to relay_domains, and was not source-routed (allow_untrusted_routing).
 */
final class RelayChecks {

    private final Evaluation evaluation;

    RelayChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict permitAuthDestination() {
        String rcpt = evaluation.facts().recipient();
        return rcpt == null ? Verdict.DUNNO : authorized(rcpt);
    }

    Verdict rejectUnauthDestination() {
        return refuseUnauthorized(evaluation.config().relayCode, "5.7.1");
    }

    Verdict deferUnauthDestination() {
        return refuseUnauthorized(evaluation.config().relayCode - 100, "4.7.1");
    }

    /** PERMIT for an authorized destination, DUNNO otherwise, or the refusal of a failed lookup. */
    Verdict authorized(String rcpt) {
        Lookup<Resolved> lookup = evaluation.resolve(rcpt);
        if (lookup instanceof Lookup.Failed<Resolved> failed) {
            return failed.verdict();
        }
        Resolved r = ((Lookup.Answer<Resolved>) lookup).value();
        if (!evaluation.config().allowUntrustedRouting && r.routed()) {
            return Verdict.DUNNO;
        }
        return r.isFinal() || r.addressClass() == AddressClass.RELAY ? Verdict.PERMIT : Verdict.DUNNO;
    }

    private Verdict refuseUnauthorized(int code, String dsn) {
        String rcpt = evaluation.facts().recipient();
        if (rcpt == null) {
            return Verdict.DUNNO;
        }
        Verdict authorized = authorized(rcpt);
        if (authorized.isPermit()) {
            return Verdict.DUNNO;
        }
        if (authorized.isRefusal()) {
            return authorized;
        }
        return evaluation.refusals().reject(code, dsn, "<" + rcpt + ">: Relay access denied");
    }
}
