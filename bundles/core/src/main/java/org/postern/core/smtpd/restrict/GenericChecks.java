// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * The restrictions that decide without looking anything up: defer, reject, defer_if_permit,
 * defer_if_reject, reject_unauth_pipelining, reject_multi_recipient_bounce (permit and dunno
 * are constants in {@link RestrictionName}).
 */
final class GenericChecks {

    private final Evaluation evaluation;

    GenericChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict defer(Target t) {
        return refusals().reject(config().deferCode, "4.3.2", rejected(t) + "Try again later");
    }

    Verdict reject(Target t) {
        return refusals().reject(config().rejectCode, "5.7.1", rejected(t) + "Access denied");
    }

    Verdict deferIfPermit(Target t) {
        return refusals().deferIfPermit(true, 450, "4.7.0", rejected(t) + "defer_if_permit requested");
    }

    Verdict deferIfReject(Target t) {
        return refusals().deferIfReject(450, "4.7.0", rejected(t) + "defer_if_reject requested");
    }

    Verdict rejectUnauthPipelining(Target t) {
        if (!evaluation.facts().facts().illegalPipelining()) {
            return Verdict.DUNNO;
        }
        return refusals().reject(Refusals.ErrorClass.PROTOCOL, 503, "5.5.0",
                rejected(t) + "Improper use of SMTP command pipelining");
    }

    /** A null sender with more than one recipient (counting the one being checked at RCPT). */
    Verdict rejectMultiRecipientBounce(Target t) {
        StageFacts f = evaluation.facts();
        if (f.sender() != null && f.sender().isEmpty()
                && f.facts().recipientCount() > (f.stage() == SmtpStage.RCPT ? 0 : 1)) {
            return refusals().reject(config().multiRecipientBounceCode, "5.5.3", rejected(t) + "Multi-recipient bounce");
        }
        return Verdict.DUNNO;
    }

    /** "&lt;name&gt;: Class rejected: ". */
    private static String rejected(Target t) {
        return "<" + t.replyName() + ">: " + t.replyClass() + " rejected: ";
    }

    private Refusals refusals() {
        return evaluation.refusals();
    }

    private RestrictionChecks config() {
        return evaluation.config();
    }
}
