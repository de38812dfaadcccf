// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;

import org.postern.api.support.LogText;
import org.postern.core.rewrite.AddressMaps;
import org.postern.core.rewrite.AddressResolver.AddressClass;
import org.postern.core.rewrite.AddressResolver.Resolved;
import org.postern.core.rewrite.LookupFailure;

/**
 * SUMMARY   Postfix's check_rcpt_maps(): reject_unlisted_recipient (also implicit, as
 *           smtpd_reject_unlisted_recipient) and reject_unlisted_sender.
 * DESCRIPTION
 *   An address that canonical or virtual aliasing knows is listed. Otherwise the error and
 *   retry transports refuse it with their own text, and local_recipient_maps,
 *   virtual_mailbox_maps or relay_recipient_maps must have it for its address class. Each
 *   address is checked once per command, unless warn_if_reject was in force.
 */
final class RecipientMaps {

    private final Evaluation evaluation;
    private boolean recipientChecked;
    private boolean senderChecked;

    RecipientMaps(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    void newRecipient() {
        recipientChecked = false;
    }

    void newSender() {
        senderChecked = false;
    }

    boolean recipientChecked() {
        return recipientChecked;
    }

    boolean senderChecked() {
        return senderChecked;
    }

    Verdict rejectUnlistedRecipient() {
        String rcpt = evaluation.facts().recipient();
        return StageFacts.nonEmpty(rcpt) ? checkRecipient(rcpt) : Verdict.DUNNO;
    }

    Verdict rejectUnlistedSender() {
        String sender = evaluation.facts().sender();
        return StageFacts.nonEmpty(sender) ? checkSender(sender) : Verdict.DUNNO;
    }

    Verdict checkRecipient(String rcpt) {
        if (recipientChecked) {
            return Verdict.DUNNO;
        }
        if (!evaluation.refusals().warnIfRejectInForce()) {
            recipientChecked = true;
        }
        return check(rcpt, Replies.RECIPIENT, true);
    }

    Verdict checkSender(String sender) {
        if (senderChecked) {
            return Verdict.DUNNO;
        }
        if (!evaluation.refusals().warnIfRejectInForce()) {
            senderChecked = true;
        }
        return check(sender, Replies.SENDER, true);
    }

    /** smtpd_reject_unlisted_recipient = no: only the error/retry transport test (Postern wishlist). */
    Verdict checkErrorTransports(String rcpt) {
        return check(rcpt, Replies.RECIPIENT, false);
    }

    private Verdict check(String addr, String replyClass, boolean tables) {
        Lookup<Resolved> lookup = evaluation.resolve(addr);
        if (lookup instanceof Lookup.Failed<Resolved> failed) {
            return failed.verdict();
        }
        Resolved r = ((Lookup.Answer<Resolved>) lookup).value();
        RestrictionChecks config = evaluation.config();
        boolean sender = Replies.SENDER.equals(replyClass);
        List<AddressMaps> aliasing = sender
                ? List.of(config.recipientCanonicalMaps, config.senderCanonicalMaps, config.canonicalMaps,
                        config.virtualAliasMaps)
                : List.of(config.recipientCanonicalMaps, config.canonicalMaps, config.virtualAliasMaps);
        for (AddressMaps maps : aliasing) {
            Lookup<Boolean> found = match(maps, r, addr);
            if (found instanceof Lookup.Failed<Boolean> failed) {
                return failed.verdict();
            }
            if (((Lookup.Answer<Boolean>) found).value()) {
                return Verdict.DUNNO;
            }
        }
        Refusals refusals = evaluation.refusals();
        String prefix = "<" + addr + ">: " + replyClass + " rejected: ";
        if (r.transport().equalsIgnoreCase("error")) {
            Replies.DsnText d = Replies.dsnSplit(sender ? "5.1.0" : "5.1.1", r.nexthop());
            return refusals.reject(Refusals.ErrorClass.BOUNCE,
                    r.addressClass() == AddressClass.ALIAS ? config.virtualAliasCode : 550,
                    Replies.dsnFix(d.dsn(), replyClass), prefix + d.text());
        }
        if (r.transport().equalsIgnoreCase("retry")) {
            Replies.DsnText d = Replies.dsnSplit(sender ? "4.1.0" : "4.1.1", r.nexthop());
            return refusals.reject(Refusals.ErrorClass.BOUNCE, 450, Replies.dsnFix(d.dsn(), replyClass),
                    prefix + d.text());
        }
        if (!tables) {
            return Verdict.DUNNO;
        }
        String dsn = sender ? "5.1.0" : "5.1.1";
        String unknown = prefix + "User unknown";
        switch (r.addressClass()) {
            case LOCAL: {
                String local = r.localPart();
                if (config.localRecipientMaps.isEmpty() || local.equalsIgnoreCase(config.doubleBounceSender)
                        || local.equalsIgnoreCase("postmaster") || local.equalsIgnoreCase("MAILER-DAEMON")) {
                    return Verdict.DUNNO;
                }
                return unknownUnlessListed(config.localRecipientMaps, r, addr, config.localRecipientCode, dsn,
                        unknown + table(" in local recipient table"));
            }
            case VIRTUAL:
                if (config.virtualMailboxMaps.isEmpty()) {
                    return Verdict.DUNNO;
                }
                return unknownUnlessListed(config.virtualMailboxMaps, r, addr, config.virtualMailboxCode, dsn,
                        unknown + table(" in virtual mailbox table"));
            case RELAY: {
                String text = unknown + table(" in relay recipient table");
                if (config.relayRecipientMaps.isEmpty()) {
                    return config.emptyRelayRecipientMapsRejects
                            ? refusals.reject(Refusals.ErrorClass.BOUNCE, config.relayRecipientCode, dsn, text)
                            : Verdict.DUNNO;
                }
                return unknownUnlessListed(config.relayRecipientMaps, r, addr, config.relayRecipientCode, dsn, text);
            }
            default:
                return Verdict.DUNNO;
        }
    }

    private String table(String suffix) {
        return evaluation.config().showUnknownTable ? suffix : "";
    }

    private Verdict unknownUnlessListed(AddressMaps maps, Resolved r, String addr, int code, String dsn, String text) {
        Lookup<Boolean> found = match(maps, r, addr);
        if (found instanceof Lookup.Failed<Boolean> failed) {
            return failed.verdict();
        }
        if (((Lookup.Answer<Boolean>) found).value()) {
            return Verdict.DUNNO;
        }
        return evaluation.refusals().reject(Refusals.ErrorClass.BOUNCE, code, dsn, text);
    }

    private Lookup<Boolean> match(AddressMaps maps, Resolved r, String replyName) {
        if (maps.isEmpty()) {
            return new Lookup.Answer<>(false);
        }
        try {
            return new Lookup.Answer<>(maps.find(r.localPart(), r.domain(), evaluation.config().recipientDelimiter,
                    r.addressClass() == AddressClass.LOCAL) != null);
        } catch (LookupFailure f) {
            RestrictionChecks.LOG.warn("warning: {}: {}", maps.parameter(), LogText.printable(f.getMessage()));
            Refusals refusals = evaluation.refusals();
            return new Lookup.Failed<>(f.temporary ? refusals.dictRetry(replyName) : refusals.serverError());
        }
    }
}
