// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;
import java.util.function.Supplier;

import org.postern.api.support.LogText;
import org.postern.core.rewrite.AddressResolver.Resolved;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtpd.policy.PolicyClient;
import org.postern.core.smtpd.policy.PolicyReply;

/**
 * SUMMARY   One evaluation of the restrictions for one SMTP command: the stage drivers
 *           (Postfix's smtpd_check_*()) and the list walker (generic_checks()).
 * DESCRIPTION
 *   {@link #run} picks the lists of the stage (with smtpd_delay_reject, RCPT and ETRN also run
 *   the earlier stages' lists), walks each: a restriction's {@link Verdict} other than DUNNO
 *   ends the list, warn_if_reject applies to the next restriction only, DISCARD ends every list,
 *   both defer_if_* pending end the list. A refusal ends the stage; a pending defer_if_permit
 *   refuses a stage that would accept. The checks themselves live in the family classes this
 *   evaluation hands out ({@link #client()}, {@link #access()}, ...), the reply logic in
 *   {@link Refusals}, the message actions in {@link CollectedActions}.
 * SECURITY  See {@link RestrictionChecks}. Not shared between threads: one per check() call.
 */
final class Evaluation {

    /** Postfix's limit on restriction classes named by access table results. */
    private static final int MAX_DEPTH = 100;

    private final RestrictionChecks config;
    private final StageFacts facts;
    private final Refusals refusals;
    private final CollectedActions actions = new CollectedActions();
    private final GenericChecks generic;
    private final ClientChecks client;
    private final HeloChecks helo;
    private final AddressChecks address;
    private final RelayChecks relay;
    private final RecipientMaps recipientMaps;
    private final DnsListChecks dnsLists;
    private final AccessTables access;
    private final AccessResults results;
    private final PolicyActions policyActions;

    /** How deep in nested lists (restriction classes) the walker is; 0 between lists. */
    private int depth;

    Evaluation(RestrictionChecks config, SmtpStage stage, SmtpFacts smtpFacts) {
        this.config = config;
        this.facts = StageFacts.of(stage, smtpFacts);
        this.refusals = new Refusals(config.utf8Replies, config.softBounce);
        this.generic = new GenericChecks(this);
        this.client = new ClientChecks(this);
        this.helo = new HeloChecks(this);
        this.address = new AddressChecks(this);
        this.relay = new RelayChecks(this);
        this.recipientMaps = new RecipientMaps(this);
        this.dnsLists = new DnsListChecks(this);
        this.access = new AccessTables(this);
        this.results = new AccessResults(this);
        this.policyActions = new PolicyActions(this);
    }

    // ------------------------------------------------------------------ stage drivers

    CheckResult run() {
        Verdict verdict = switch (facts.stage()) {
            case CONNECT -> config.delayReject ? Verdict.DUNNO : ownStage(this::checkClient);
            case HELO -> config.delayReject ? Verdict.DUNNO : ownStage(this::checkHelo);
            case MAIL -> {
                Verdict size = checkSize();
                yield size.isRefusal() || config.delayReject ? size : ownStage(this::checkMail);
            }
            case RCPT -> checkRcpt();
            case DATA -> checkData(config.lists.data, Replies.DATA_NAME, Replies.DATA);
            case END_OF_DATA -> checkData(config.lists.endOfData, Replies.EOD_NAME, Replies.EOD);
            case ETRN -> checkEtrn();
        };
        if (verdict instanceof Verdict.Reject r) {
            return new CheckResult(CheckResult.Verdict.REJECT, r.reply(), List.of(), refusals.warnings());
        }
        if (verdict instanceof Verdict.Defer d) {
            return new CheckResult(CheckResult.Verdict.DEFER, d.reply(), List.of(), refusals.warnings());
        }
        return new CheckResult(verdict.isPermit() ? CheckResult.Verdict.PERMIT : CheckResult.Verdict.DUNNO, null,
                actions.list(), refusals.warnings());
    }

    /** smtpd_delay_reject = no: a pending defer_if_permit defers this command (see BUGS). */
    private Verdict ownStage(Supplier<Verdict> check) {
        refusals.forgetDeferIfPermit();
        return unlessDeferIfPermit(check.get());
    }

    /** An accepting verdict, unless a defer_if_permit is pending. */
    private Verdict unlessDeferIfPermit(Verdict verdict) {
        return !verdict.isRefusal() && refusals.deferIfPermitPending() ? refusals.applyDeferIfPermit() : verdict;
    }

    private Verdict checkSize() {
        if (config.messageSizeLimit > 0 && facts.facts().messageSize() > config.messageSizeLimit) {
            return refusals.reject(552, "5.3.4", "Message size exceeds fixed limit");
        }
        return Verdict.DUNNO;
    }

    private Verdict checkClient() {
        if (facts.clientAddress() == null) {
            return Verdict.DUNNO;
        }
        return runList(config.lists.client, new Target(facts.namaddr(), Replies.CLIENT, RestrictionName.CHECK_CLIENT_ACCESS));
    }

    private Verdict checkHelo() {
        if (facts.heloName() == null) {
            return Verdict.DUNNO;
        }
        return runList(config.lists.helo, new Target(facts.heloName(), Replies.HELO, RestrictionName.CHECK_HELO_ACCESS));
    }

    private Verdict checkMail() {
        String sender = facts.sender();
        if (sender == null) {
            return Verdict.DUNNO;
        }
        recipientMaps.newSender();
        Verdict verdict = runList(config.lists.sender, new Target(sender, Replies.SENDER, RestrictionName.CHECK_SENDER_ACCESS));
        if (config.rejectUnlistedSender && !verdict.isRefusal() && !recipientMaps.senderChecked()
                && !actions.discarded() && !sender.isEmpty()) {
            verdict = recipientMaps.checkSender(sender);
        }
        return verdict;
    }

    private Verdict checkRcpt() {
        String rcpt = facts.recipient();
        if (rcpt == null || rcpt.equalsIgnoreCase("postmaster")) {
            return Verdict.DUNNO;
        }
        if (config.resolver.emptyRoute(rcpt)) {
            return refusals.reject(Refusals.ErrorClass.PROTOCOL, 501, "5.1.3", "Bad recipient address syntax");
        }
        recipientMaps.newRecipient();
        refusals.forgetDeferIfPermit();
        if (config.delayReject) {
            for (Supplier<Verdict> earlier : List.<Supplier<Verdict>>of(this::checkClient, this::checkHelo,
                    this::checkMail)) {
                Verdict verdict = earlier.get();
                if (verdict.isRefusal()) {
                    return verdict;
                }
            }
        }
        reset();
        Target target = new Target(rcpt, Replies.RECIPIENT, RestrictionName.CHECK_RECIPIENT_ACCESS);
        Verdict verdict = Verdict.DUNNO;
        for (List<Restriction> list : List.of(config.lists.relay, config.lists.recipient)) {
            verdict = list.isEmpty() ? Verdict.DUNNO : walk(list, target);
            if (verdict.isRefusal()) {
                return verdict;
            }
        }
        verdict = unlessDeferIfPermit(verdict);
        if (!verdict.isRefusal() && !recipientMaps.recipientChecked() && !actions.discarded()) {
            Verdict unlisted = config.rejectUnlistedRecipient ? recipientMaps.checkRecipient(rcpt)
                    : recipientMaps.checkErrorTransports(rcpt);
            if (unlisted.isRefusal()) {
                verdict = unlisted;
            }
        }
        return verdict;
    }

    private Verdict checkData(List<Restriction> list, String replyName, String replyClass) {
        refusals.forgetDeferIfPermit();
        return unlessDeferIfPermit(runList(list, new Target(replyName, replyClass, null)));
    }

    private Verdict checkEtrn() {
        String etrn = facts.etrnName();
        if (etrn == null) {
            return Verdict.DUNNO;
        }
        refusals.forgetDeferIfPermit();
        if (config.delayReject) {
            Verdict earlier = checkClient();
            if (!earlier.isRefusal()) {
                earlier = checkHelo();
            }
            if (earlier.isRefusal()) {
                return earlier;
            }
        }
        return unlessDeferIfPermit(
                runList(config.lists.etrn, new Target(etrn, Replies.ETRN, RestrictionName.CHECK_ETRN_ACCESS)));
    }

    // ------------------------------------------------------------------ generic_checks

    /** SMTPD_CHECK_RESET and one list, as one protocol stage. */
    private Verdict runList(List<Restriction> list, Target target) {
        reset();
        return list.isEmpty() ? Verdict.DUNNO : walk(list, target);
    }

    private void reset() {
        depth = 0;
        refusals.reset();
    }

    /** generic_checks(): the first verdict other than DUNNO decides the list. */
    Verdict walk(List<Restriction> list, Target target) {
        int saved = depth++;
        Verdict verdict = Verdict.DUNNO;
        for (Restriction r : list) {
            if (actions.discarded()) {
                break;
            }
            if (r instanceof Restriction.Builtin b && b.name() == RestrictionName.WARN_IF_REJECT) {
                refusals.warnIfReject(depth);
                continue;
            }
            verdict = r.evaluate(this, target);
            refusals.endWarnIfReject(depth);
            if (!verdict.isDunno() || refusals.bothDefersPending()) {
                break;
            }
        }
        depth = saved;
        refusals.endWarnIfReject(depth);
        return verdict;
    }

    /** A smtpd_restriction_classes name: its list, one level deeper. */
    Verdict restrictionClass(String name, Target target) {
        return walk(config.lists.restrictionClass(name), target);
    }

    /** Whether an access table result may name one more restriction list (Postfix allows 100 levels). */
    boolean nestingTooDeep() {
        return depth > MAX_DEPTH;
    }

    Verdict policyQuery(PolicyClient policy, Target target) {
        PolicyReply reply = policy.query(config.policies.request(facts.stage(), facts.facts(), facts.etrnName()));
        return policyActions.apply(policy.endpoint(), reply, target);
    }

    /** A bare table in the DATA or end-of-data list (refused at load time; kept as Postfix has it). */
    Verdict bareTableNotAllowed(Restriction.BareTable table, Target target) {
        RestrictionChecks.LOG.warn("warning: specify one of ({}) before {} restriction \"{}\"",
                RestrictionName.tokens(RestrictionName.DEFAULT_ACCESS), target.replyClass(), table.spec());
        return refusals.serverError();
    }

    Verdict unknownRestriction(String name) {
        RestrictionChecks.LOG.warn("warning: unknown smtpd restriction: \"{}\"", LogText.printable(name));
        return refusals.serverError();
    }

    /** A table or resolver that did not answer: 451 4.3.0 when temporary, else 451 4.3.5. */
    Verdict lookupFailed(LookupFailure failure, String replyName) {
        RestrictionChecks.LOG.warn("warning: {}", LogText.printable(failure.getMessage()));
        return failure.temporary ? refusals.dictRetry(replyName) : refusals.serverError();
    }

    /** trivial-rewrite's answer for an address, or the refusal its failure is. */
    Lookup<Resolved> resolve(String address) {
        try {
            return new Lookup.Answer<>(config.resolver.resolve(address));
        } catch (LookupFailure f) {
            return new Lookup.Failed<>(lookupFailed(f, address));
        }
    }

    // ------------------------------------------------------------------ what the checks share

    RestrictionChecks config() {
        return config;
    }

    StageFacts facts() {
        return facts;
    }

    Refusals refusals() {
        return refusals;
    }

    CollectedActions actions() {
        return actions;
    }

    GenericChecks generic() {
        return generic;
    }

    ClientChecks client() {
        return client;
    }

    HeloChecks helo() {
        return helo;
    }

    AddressChecks address() {
        return address;
    }

    RelayChecks relay() {
        return relay;
    }

    RecipientMaps recipientMaps() {
        return recipientMaps;
    }

    DnsListChecks dnsLists() {
        return dnsLists;
    }

    AccessTables access() {
        return access;
    }

    AccessResults results() {
        return results;
    }
}
