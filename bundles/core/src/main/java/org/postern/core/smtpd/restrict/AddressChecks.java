// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.net.HostNames;
import org.postern.core.rewrite.AddressResolver.Resolved;

/**
 * The sender and recipient domain restrictions: reject_non_fqdn_sender/recipient and
 * reject_unknown_sender/recipient_domain. Relay control is in {@link RelayChecks}, the
 * unlisted-address checks in {@link RecipientMaps}. The null sender is never checked.
 */
final class AddressChecks {

    private final Evaluation evaluation;

    AddressChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict rejectNonFqdnSender() {
        String sender = evaluation.facts().sender();
        return StageFacts.nonEmpty(sender) ? rejectNonFqdn(sender, Replies.SENDER) : Verdict.DUNNO;
    }

    Verdict rejectNonFqdnRecipient() {
        String rcpt = evaluation.facts().recipient();
        return rcpt == null ? Verdict.DUNNO : rejectNonFqdn(rcpt, Replies.RECIPIENT);
    }

    Verdict rejectUnknownSenderDomain() {
        String sender = evaluation.facts().sender();
        return StageFacts.nonEmpty(sender) ? rejectUnknownDomain(sender, Replies.SENDER) : Verdict.DUNNO;
    }

    Verdict rejectUnknownRecipientDomain() {
        String rcpt = evaluation.facts().recipient();
        return rcpt == null ? Verdict.DUNNO : rejectUnknownDomain(rcpt, Replies.RECIPIENT);
    }

    private Verdict rejectNonFqdn(String addr, String replyClass) {
        int at = addr.lastIndexOf('@');
        String domain = at < 0 ? "" : addr.substring(at + 1);
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return Verdict.DUNNO;
        }
        String test = HostNames.truncateDot(domain);
        if (test.isEmpty() || !HostNames.validHostname(test) || test.indexOf('.') < 0) {
            return evaluation.refusals().reject(evaluation.config().nonFqdnCode, "4.5.2",
                    "<" + addr + ">: " + replyClass + " rejected: need fully-qualified address");
        }
        return Verdict.DUNNO;
    }

    /** A domain that is not ours and has no MX or address: refused; a null MX always. */
    private Verdict rejectUnknownDomain(String addr, String replyClass) {
        Lookup<Resolved> lookup = evaluation.resolve(addr);
        if (lookup instanceof Lookup.Failed<Resolved> failed) {
            return failed.verdict();
        }
        Resolved r = ((Lookup.Answer<Resolved>) lookup).value();
        if (r.isFinal() || r.domain().startsWith("[")) {
            return Verdict.DUNNO;
        }
        boolean sender = Replies.SENDER.equals(replyClass);
        String prefix = "<" + addr + ">: " + replyClass + " rejected: ";
        Refusals refusals = evaluation.refusals();
        return switch (evaluation.config().dns.mailHost(r.domain())) {
            case NULL_MX -> refusals.reject(sender ? 550 : 556, sender ? "4.7.27" : "4.1.10",
                    prefix + "Domain " + r.domain() + " does not accept mail (nullMX)");
            case NOT_FOUND -> refusals.reject(evaluation.config().unknownAddressCode, sender ? "4.1.8" : "4.1.2",
                    prefix + "Domain not found");
            case RETRY -> refusals.deferIfPermit(evaluation.config().unknownAddressDeferIfPermit, 450,
                    sender ? "4.1.8" : "4.1.2", prefix + "Domain not found");
            default -> Verdict.DUNNO;
        };
    }
}
