// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

import org.postern.api.dict.Dict;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.core.access.AccessKeys;
import org.postern.core.config.ConfigException;
import org.postern.core.config.Expander;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.HostNames;
import org.postern.core.rewrite.AddressMaps;
import org.postern.core.rewrite.AddressResolver.AddressClass;
import org.postern.core.rewrite.AddressResolver.Resolved;
import org.postern.core.rewrite.AddressResolver;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   One evaluation of the restrictions for one SMTP command (Postfix generic_checks()
 *           and the smtpd_check_*() drivers), with its state: warn_if_reject, defer_if_permit,
 *           defer_if_reject, DISCARD, the recipient-map checks already done.
 * SECURITY  See {@link RestrictionChecks}. Not shared between threads: one per check() call.
 */
final class Evaluation {

    private static final int DUNNO = 0;
    private static final int OK = 1;
    private static final int REJECT = 2;

    /** Postfix's error classes: only POLICY-like ones may become warnings under warn_if_reject. */
    private enum ErrorClass { POLICY, PROTOCOL, BOUNCE, DATA, SOFTWARE, RESOURCE }

    /** Postfix longjmp(smtpd_check_buf): the stage ends with the reply already set. */
    private static final class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abort() {
            super(null, null, false, false);
        }
    }

    private static final class Defer {
        boolean active;
        ErrorClass errorClass;
        int code;
        String dsn;
        String reason;
    }

    private final RestrictionChecks cfg;
    private final SmtpStage stage;
    private final SmtpFacts facts;
    private final String clientAddress;
    private final String clientName;
    private final String reverseName;
    private final String namaddr;
    private final String where;
    private final String heloName;
    private final String senderAddress;
    private String recipientAddress;
    private final String etrnName;

    private int recursion;
    private int warnIfReject;
    private final Defer deferIfReject = new Defer();
    private final Defer deferIfPermit = new Defer();
    private boolean discard;
    private boolean recipientRcptmapChecked;
    private boolean senderRcptmapChecked;
    private boolean found;
    private SmtpReply reply;
    private final List<MessageAction> actions = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Evaluation(RestrictionChecks cfg, SmtpStage stage, SmtpFacts facts) {
        this.cfg = cfg;
        this.stage = stage;
        this.facts = facts;
        this.clientAddress = RestrictionChecks.canonicalClient(facts.clientAddress());
        this.clientName = facts.clientName() == null || facts.clientName().isEmpty() ? "unknown" : facts.clientName();
        this.reverseName = facts.reverseClientName() == null || facts.reverseClientName().isEmpty() ? "unknown"
                : facts.reverseClientName();
        this.namaddr = clientName + "[" + (clientAddress == null ? "" : clientAddress) + "]";
        this.heloName = facts.heloName();
        this.senderAddress = facts.sender();
        this.recipientAddress = stage == SmtpStage.ETRN ? null : facts.recipient();
        this.etrnName = stage == SmtpStage.ETRN ? facts.recipient() : null;
        switch (stage) {
            case CONNECT: where = "CONNECT"; break;
            case HELO: where = "EHLO"; break;
            case MAIL: where = "MAIL"; break;
            case RCPT: where = "RCPT"; break;
            case DATA: where = "DATA"; break;
            case END_OF_DATA: where = Replies.EOD_NAME; break;
            default: where = "ETRN"; break;
        }
    }

    // ------------------------------------------------------------------ drivers

    CheckResult run() {
        int status;
        switch (stage) {
            case CONNECT:
                status = cfg.delayReject ? DUNNO : ownStage(this::checkClient);
                break;
            case HELO:
                status = cfg.delayReject ? DUNNO : ownStage(this::checkHelo);
                break;
            case MAIL:
                status = checkSize();
                if (status != REJECT && !cfg.delayReject) {
                    status = ownStage(this::checkMail);
                }
                break;
            case RCPT:
                status = checkRcpt();
                break;
            case DATA:
                status = checkData(cfg.data, Replies.DATA_NAME, Replies.DATA);
                break;
            case END_OF_DATA:
                status = checkData(cfg.endOfData, Replies.EOD_NAME, Replies.EOD);
                break;
            default:
                status = checkEtrn();
                break;
        }
        if (status == REJECT && reply != null) {
            CheckResult.Verdict v = reply.code() >= 500 ? CheckResult.Verdict.REJECT : CheckResult.Verdict.DEFER;
            return new CheckResult(v, reply, List.of(), warnings);
        }
        return new CheckResult(status == OK ? CheckResult.Verdict.PERMIT : CheckResult.Verdict.DUNNO, null, actions,
                warnings);
    }

    /** smtpd_delay_reject = no: a pending defer_if_permit defers this command (see BUGS). */
    private int ownStage(IntSupplier check) {
        deferIfPermit.active = false;
        int status = check.getAsInt();
        return status != REJECT && deferIfPermit.active ? guard(this::rejectDeferIfPermit) : status;
    }

    private int checkSize() {
        if (cfg.messageSizeLimit > 0 && facts.messageSize() > cfg.messageSizeLimit) {
            return reject(ErrorClass.POLICY, 552, "5.3.4", "Message size exceeds fixed limit");
        }
        return DUNNO;
    }

    private int checkClient() {
        if (clientAddress == null) {
            return DUNNO;
        }
        return runList(cfg.client, namaddr, Replies.CLIENT, "check_client_access");
    }

    private int checkHelo() {
        if (heloName == null) {
            return DUNNO;
        }
        return runList(cfg.helo, heloName, Replies.HELO, "check_helo_access");
    }

    private int checkMail() {
        if (senderAddress == null) {
            return DUNNO;
        }
        senderRcptmapChecked = false;
        int status = runList(cfg.sender, senderAddress, Replies.SENDER, "check_sender_access");
        if (cfg.rejectUnlistedSender && status != REJECT && !senderRcptmapChecked && !discard
                && !senderAddress.isEmpty()) {
            status = guard(() -> checkSenderRcptMaps(senderAddress));
        }
        return status;
    }

    private int checkRcpt() {
        String rcpt = recipientAddress;
        if (rcpt == null) {
            return DUNNO;
        }
        if (rcpt.equalsIgnoreCase("postmaster")) {
            return DUNNO;
        }
        if (cfg.resolver.emptyRoute(rcpt)) {
            return reject(ErrorClass.PROTOCOL, 501, "5.1.3", "Bad recipient address syntax");
        }
        recipientRcptmapChecked = false;
        deferIfPermit.active = false;
        if (cfg.delayReject) {
            if (checkClient() == REJECT || checkHelo() == REJECT || checkMail() == REJECT) {
                return REJECT;
            }
        }
        reset();
        int status = DUNNO;
        for (List<Restriction> list : List.of(cfg.relay, cfg.recipient)) {
            try {
                status = list.isEmpty() ? DUNNO : generic(list, rcpt, Replies.RECIPIENT, "check_recipient_access");
            } catch (Abort a) {
                status = REJECT;
            }
            if (status == REJECT) {
                break;
            }
        }
        if (status != REJECT && deferIfPermit.active) {
            status = guard(this::rejectDeferIfPermit);
        }
        if (status != REJECT && !recipientRcptmapChecked && !discard) {
            int unlisted = cfg.rejectUnlistedRecipient ? guard(() -> checkRecipientRcptMaps(rcpt))
                    : guard(() -> checkRcptMaps(rcpt, Replies.RECIPIENT, false));
            if (unlisted == REJECT) {
                status = REJECT;
            }
        }
        return status;
    }

    private int checkData(List<Restriction> list, String replyName, String replyClass) {
        if (facts.recipientCount() > 1) {
            recipientAddress = null;
        }
        deferIfPermit.active = false;
        int status = runList(list, replyName, replyClass, null);
        if (status != REJECT && deferIfPermit.active) {
            status = guard(this::rejectDeferIfPermit);
        }
        return status;
    }

    private int checkEtrn() {
        if (etrnName == null) {
            return DUNNO;
        }
        deferIfPermit.active = false;
        if (cfg.delayReject && (checkClient() == REJECT || checkHelo() == REJECT)) {
            return REJECT;
        }
        int status = runList(cfg.etrn, etrnName, Replies.ETRN, "check_etrn_access");
        if (status != REJECT && deferIfPermit.active) {
            status = guard(this::rejectDeferIfPermit);
        }
        return status;
    }

    private int rejectDeferIfPermit() {
        return reject(deferIfPermit.errorClass, deferIfPermit.code, deferIfPermit.dsn, deferIfPermit.reason);
    }

    /** SMTPD_CHECK_RESET and one list, as one protocol stage. */
    private int runList(List<Restriction> list, String replyName, String replyClass, String defAcl) {
        reset();
        try {
            return list.isEmpty() ? DUNNO : generic(list, replyName, replyClass, defAcl);
        } catch (Abort a) {
            return REJECT;
        }
    }

    private int guard(IntSupplier check) {
        try {
            return check.getAsInt();
        } catch (Abort a) {
            return REJECT;
        }
    }

    private void reset() {
        recursion = 0;
        warnIfReject = 0;
        deferIfReject.active = false;
    }

    // ------------------------------------------------------------------ generic_checks

    private int generic(List<Restriction> list, String replyName, String replyClass, String defAcl) {
        int saved = recursion++;
        int status = DUNNO;
        for (int i = 0; i < list.size(); i++) {
            if (discard) {
                break;
            }
            Restriction r = list.get(i);
            if (r.kind() == Restriction.Kind.BUILTIN && r.name().equals("warn_if_reject")) {
                if (warnIfReject == 0) {
                    warnIfReject = recursion;
                }
                continue;
            }
            try {
                status = apply(r, replyName, replyClass, defAcl);
            } catch (LookupFailure f) {
                RestrictionChecks.LOG.warn("warning: {}", LogText.printable(f.getMessage()));
                if (f.temporary) {
                    dictRetry(replyName);
                }
                serverError();
            }
            if (warnIfReject >= recursion) {
                warnIfReject = 0;
            }
            if (status != DUNNO) {
                break;
            }
            if (deferIfPermit.active && deferIfReject.active) {
                break;
            }
        }
        recursion = saved;
        if (warnIfReject >= recursion) {
            warnIfReject = 0;
        }
        return status;
    }

    private int apply(Restriction r, String replyName, String replyClass, String defAcl) throws LookupFailure {
        if (r.kind() == Restriction.Kind.CLASS) {
            return generic(cfg.classes.get(r.name()), replyName, replyClass, defAcl);
        }
        if (r.kind() == Restriction.Kind.BARE_TABLE) {
            if (defAcl == null) {
                RestrictionChecks.LOG.warn("warning: specify one of (check_client_access, check_helo_access, "
                        + "check_sender_access, check_recipient_access, check_etrn_access) before {} restriction \"{}\"",
                        replyClass, r.argument());
                serverError();
            }
            return applyTable(defAcl, r.argument(), r.table(), replyName, replyClass, defAcl);
        }
        String name = r.name();
        if (r.policy() != null) {
            String action = r.policy().query(cfg.policies.request(stage, facts, etrnName));
            return checkTableResult(r.policy().endpoint().name(), action, "policy query", replyName, replyClass, defAcl);
        }
        if (r.table() != null) {
            return applyTable(name, r.argument(), r.table(), replyName, replyClass, defAcl);
        }
        switch (name) {
            case "permit":
                return OK;
            case "dunno":
                return DUNNO;
            case "defer":
                return reject(ErrorClass.POLICY, cfg.deferCode, "4.3.2",
                        "<" + replyName + ">: " + replyClass + " rejected: Try again later");
            case "reject":
                return reject(ErrorClass.POLICY, cfg.rejectCode, "5.7.1",
                        "<" + replyName + ">: " + replyClass + " rejected: Access denied");
            case "reject_unauth_pipelining":
                return facts.illegalPipelining() ? reject(ErrorClass.PROTOCOL, 503, "5.5.0", "<" + replyName + ">: "
                        + replyClass + " rejected: Improper use of SMTP command pipelining") : DUNNO;
            case "defer_if_permit":
                return deferIfPermit(true, ErrorClass.POLICY, 450, "4.7.0",
                        "<" + replyName + ">: " + replyClass + " rejected: defer_if_permit requested");
            case "defer_if_reject":
                deferIf(deferIfReject, ErrorClass.POLICY, 450, "4.7.0",
                        "<" + replyName + ">: " + replyClass + " rejected: defer_if_reject requested");
                return DUNNO;
            // Client.
            case "reject_unknown_client_hostname":
            case "reject_unknown_client":
                return rejectUnknownClient(true);
            case "reject_unknown_reverse_client_hostname":
                return rejectUnknownClient(false);
            case "permit_inet_interfaces":
                return clientAddress != null && cfg.ownAddresses.contains(clientAddress) ? OK : DUNNO;
            case "permit_mynetworks":
                return clientAddress != null && cfg.mynetworks.matches(clientName, clientAddress) ? OK : DUNNO;
            case "permit_sasl_authenticated":
                return facts.saslUsername() != null && !facts.saslUsername().isEmpty() ? OK : DUNNO;
            case "permit_tls_clientcerts":
            case "permit_tls_all_clientcerts":
            case "permit_mx_backup":
                return DUNNO;
            case "reject_rbl_client":
            case "reject_rbl":
                return clientAddress == null ? DUNNO : rejectRblAddr(r.argument(), Replies.CLIENT);
            case "permit_dnswl_client":
                return clientAddress == null ? DUNNO : permitDnswl(r.argument(), null, Replies.CLIENT);
            case "reject_rhsbl_client":
                return clientName.equalsIgnoreCase("unknown") ? DUNNO
                        : rejectRblDomain(r.argument(), clientName, Replies.CLIENT);
            case "permit_rhswl_client":
                return clientName.equalsIgnoreCase("unknown") ? DUNNO
                        : permitDnswl(r.argument(), clientName, Replies.CLIENT);
            case "reject_rhsbl_reverse_client":
                return reverseName.equalsIgnoreCase("unknown") ? DUNNO
                        : rejectRblDomain(r.argument(), reverseName, Replies.REV_CLIENT);
            // HELO.
            case "reject_invalid_helo_hostname":
            case "reject_invalid_hostname":
                if (heloName == null) {
                    return DUNNO;
                }
                return heloName.startsWith("[") ? rejectInvalidHostaddr(heloName) : rejectInvalidHostname(heloName);
            case "reject_unknown_helo_hostname":
            case "reject_unknown_hostname":
                if (heloName == null) {
                    return DUNNO;
                }
                return heloName.startsWith("[") ? rejectInvalidHostaddr(heloName) : rejectUnknownHostname(heloName);
            case "reject_non_fqdn_helo_hostname":
            case "reject_non_fqdn_hostname":
                if (heloName == null) {
                    return DUNNO;
                }
                return heloName.startsWith("[") ? rejectInvalidHostaddr(heloName) : rejectNonFqdnHostname(heloName);
            case "reject_rhsbl_helo":
                return heloName == null ? DUNNO : rejectRblDomain(r.argument(), heloName, Replies.HELO);
            // Sender.
            case "reject_unknown_sender_domain":
            case "reject_unknown_address":
                return nonEmpty(senderAddress) ? rejectUnknownAddress(senderAddress, Replies.SENDER) : DUNNO;
            case "reject_non_fqdn_sender":
                return nonEmpty(senderAddress) ? rejectNonFqdnAddress(senderAddress, Replies.SENDER) : DUNNO;
            case "reject_rhsbl_sender":
                return nonEmpty(senderAddress) ? rejectRblDomain(r.argument(), senderAddress, Replies.SENDER) : DUNNO;
            case "reject_unlisted_sender":
                return nonEmpty(senderAddress) ? checkSenderRcptMaps(senderAddress) : DUNNO;
            // Recipient.
            case "permit_auth_destination":
                return recipientAddress != null && permitAuthDestination(recipientAddress) == OK ? OK : DUNNO;
            case "reject_unauth_destination":
                return recipientAddress == null ? DUNNO : rejectUnauthDestination(recipientAddress, cfg.relayCode, "5.7.1");
            case "defer_unauth_destination":
                return recipientAddress == null ? DUNNO
                        : rejectUnauthDestination(recipientAddress, cfg.relayCode - 100, "4.7.1");
            case "reject_unknown_recipient_domain":
                return recipientAddress == null ? DUNNO : rejectUnknownAddress(recipientAddress, Replies.RECIPIENT);
            case "reject_non_fqdn_recipient":
                return recipientAddress == null ? DUNNO : rejectNonFqdnAddress(recipientAddress, Replies.RECIPIENT);
            case "reject_rhsbl_recipient":
                return recipientAddress == null ? DUNNO
                        : rejectRblDomain(r.argument(), recipientAddress, Replies.RECIPIENT);
            case "check_recipient_maps":
            case "reject_unlisted_recipient":
                return nonEmpty(recipientAddress) ? checkRecipientRcptMaps(recipientAddress) : DUNNO;
            case "reject_multi_recipient_bounce":
                if (senderAddress != null && senderAddress.isEmpty()
                        && facts.recipientCount() > (stage == SmtpStage.RCPT ? 0 : 1)) {
                    return reject(ErrorClass.POLICY, cfg.multiRecipientBounceCode, "5.5.3",
                            "<" + replyName + ">: " + replyClass + " rejected: Multi-recipient bounce");
                }
                return DUNNO;
            default:
                RestrictionChecks.LOG.warn("warning: unknown smtpd restriction: \"{}\"", LogText.printable(name));
                serverError();
                return DUNNO;
        }
    }

    private static boolean nonEmpty(String s) {
        return s != null && !s.isEmpty();
    }

    // ------------------------------------------------------------------ replies

    /** smtpd_check_reject(). Returns REJECT, or DUNNO when warn_if_reject turns it into a warning. */
    private int reject(ErrorClass errorClass, int code, String dsn, String text) {
        boolean warn = warnIfReject != 0 && errorClass != ErrorClass.SOFTWARE && errorClass != ErrorClass.RESOURCE
                && errorClass != ErrorClass.DATA;
        if (code < 400 || code > 599 || !Replies.validDsn(dsn)) {
            RestrictionChecks.LOG.warn("warning: SMTP reply code configuration error: {} {} {}", code, dsn,
                    LogText.printable(text));
            code = 450;
            dsn = "4.7.1";
            text = "Service unavailable";
        }
        text = Replies.printable(text, ' ', cfg.utf8Replies);
        int room = 510 - 4 - dsn.length() - 1;
        if (text.length() > room) {
            text = text.substring(0, Math.max(0, room));
        }
        if (!warn && deferIfReject.active && code >= 500) {
            warnIfReject = 0;
            deferIfReject.active = false;
            return reject(deferIfReject.errorClass, deferIfReject.code, deferIfReject.dsn, deferIfReject.reason);
        }
        if (cfg.softBounce && code >= 500) {
            code -= 100;
        }
        dsn = (char) ('0' + code / 100) + dsn.substring(1);
        SmtpReply r = new SmtpReply(code, dsn, text);
        if (warn) {
            warnings.add("reject_warning: " + r);
            return DUNNO;
        }
        reply = r;
        return REJECT;
    }

    private int deferIf(Defer d, ErrorClass errorClass, int code, String dsn, String reason) {
        if (!d.active) {
            d.active = true;
            d.errorClass = errorClass;
            d.code = code;
            d.dsn = dsn;
            d.reason = reason;
        }
        return DUNNO;
    }

    /** DEFER_IF_PERMIT: remember the deferral, or defer now with warn_if_reject or the "defer" action. */
    private int deferIfPermit(boolean deferIfPermitAction, ErrorClass errorClass, int code, String dsn, String reason) {
        if (warnIfReject == 0 && deferIfPermitAction) {
            return deferIf(deferIfPermit, errorClass, code, dsn, reason);
        }
        return reject(errorClass, code, dsn, reason);
    }

    private void dictRetry(String replyName) {
        reject(ErrorClass.DATA, 451, "4.3.0", "<" + replyName + ">: Temporary lookup failure");
        throw new Abort();
    }

    private void serverError() {
        reject(ErrorClass.SOFTWARE, 451, "4.3.5", "Server configuration error");
        throw new Abort();
    }

    private Resolved resolve(String address) {
        try {
            return cfg.resolver.resolve(address);
        } catch (LookupFailure f) {
            RestrictionChecks.LOG.warn("warning: {}", LogText.printable(f.getMessage()));
            if (f.temporary) {
                dictRetry(address);
            }
            serverError();
            return null;
        }
    }

    // ------------------------------------------------------------------ access tables

    private int applyTable(String name, String spec, Dict table, String replyName, String replyClass, String defAcl) {
        switch (name) {
            case "check_client_access":
                return checkNamadrAccess(table, clientName, clientAddress, namaddr, Replies.CLIENT, defAcl);
            case "check_reverse_client_hostname_access": {
                int status = checkNamadrAccess(table, reverseName, clientAddress, reverseName, Replies.REV_CLIENT, defAcl);
                forbidAllowlist(name, status, reverseName);
                return status;
            }
            case "check_helo_access":
                return heloName == null ? DUNNO : checkDomainAccess(table, heloName, heloName, Replies.HELO, defAcl);
            case "check_sender_access":
                if (senderAddress == null) {
                    return DUNNO;
                }
                if (senderAddress.isEmpty()) {
                    return checkAccess(table, cfg.nullAccessKey, senderAddress, Replies.SENDER, defAcl);
                }
                return checkMailAccess(table, senderAddress, Replies.SENDER, defAcl);
            case "check_recipient_access":
                return recipientAddress == null ? DUNNO
                        : checkMailAccess(table, recipientAddress, Replies.RECIPIENT, defAcl);
            case "check_etrn_access":
                return etrnName == null ? DUNNO : checkDomainAccess(table, etrnName, etrnName, Replies.ETRN, defAcl);
            default:
                RestrictionChecks.LOG.warn("warning: unexpected table restriction {} {}", name, spec);
                serverError();
                return DUNNO;
        }
    }

    private void forbidAllowlist(String name, int status, String target) {
        if (!discard && status == OK) {
            RestrictionChecks.LOG.warn("warning: restriction {} returns OK for {}; this is not allowed for security "
                    + "reasons; use DUNNO instead of OK if you want to make an exception", name, LogText.printable(target));
            serverError();
        }
    }

    /** One lookup; a failure is the value "451 4.3.5 Server configuration error", as in Postfix. */
    private String lookup(Dict table, String key) {
        LookupResult r = table.lookup(key);
        if (r instanceof LookupResult.Found f) {
            return f.value();
        }
        if (r instanceof LookupResult.NotFound) {
            return null;
        }
        String reason = r instanceof LookupResult.TemporaryFailure t ? t.reason()
                : ((LookupResult.ConfigurationError) r).reason();
        RestrictionChecks.LOG.warn("warning: {} lookup error for \"{}\": {}", table.spec(), LogText.printable(key),
                LogText.printable(reason));
        return "451 4.3.5 Server configuration error";
    }

    private int checkKeys(Dict table, List<String> keys, String datum, String replyName, String replyClass,
            String defAcl) {
        found = false;
        for (String key : keys) {
            if (key.isEmpty()) {
                continue;
            }
            String value = lookup(table, key);
            if (value != null) {
                found = true;
                return checkTableResult(table.spec(), value, datum, replyName, replyClass, defAcl);
            }
        }
        return DUNNO;
    }

    private int checkAccess(Dict table, String key, String replyName, String replyClass, String defAcl) {
        return checkKeys(table, List.of(key), key, replyName, replyClass, defAcl);
    }

    private int checkDomainAccess(Dict table, String domain, String replyName, String replyClass, String defAcl) {
        if (domain.isEmpty()) {
            found = false;
            return DUNNO;
        }
        List<String> keys = AccessKeys.forHostName(domain, cfg.accessParentStyle, table.flags());
        return checkKeys(table, keys, domain, replyName, replyClass, defAcl);
    }

    private int checkAddrAccess(Dict table, String address, String replyName, String replyClass, String defAcl) {
        List<String> keys;
        try {
            keys = AccessKeys.forHostAddress(address, table.flags());
        } catch (IllegalArgumentException e) {
            keys = List.of(address);
        }
        return checkKeys(table, keys, address, replyName, replyClass, defAcl);
    }

    private int checkNamadrAccess(Dict table, String name, String addr, String replyName, String replyClass,
            String defAcl) {
        int status = checkDomainAccess(table, name, replyName, replyClass, defAcl);
        if (status != DUNNO || found || addr == null) {
            return status;
        }
        return checkAddrAccess(table, addr, replyName, replyClass, defAcl);
    }

    private int checkMailAccess(Dict table, String address, String replyClass, String defAcl) {
        Resolved r = resolve(address);
        List<String> keys = AccessKeys.forAddress(r.address(), cfg.recipientDelimiter, cfg.accessParentStyle,
                table.flags());
        int status = checkKeys(table, keys, r.address(), address, replyClass, defAcl);
        boolean suspicious = !cfg.allowUntrustedRouting && r.routed() && Replies.RECIPIENT.equals(replyClass);
        return status == OK && suspicious ? DUNNO : status;
    }

    /** check_table_result(): what an access(5) value means. */
    private int checkTableResult(String table, String value, String datum, String replyName, String replyClass,
            String defAcl) {
        String v = value.strip();
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        String cmd = v.substring(0, sp).toUpperCase(Locale.ROOT);
        String text = v.substring(sp).strip();
        String prefix = "<" + replyName + ">: " + replyClass;
        switch (cmd) {
            case "DUNNO":
                return DUNNO;
            case "REJECT": {
                Replies.DsnText d = Replies.dsnSplit("5.7.1", text);
                return reject(ErrorClass.POLICY, cfg.accessMapRejectCode, Replies.dsnFix(d.dsn(), replyClass),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Access denied" : d.text()));
            }
            case "DEFER": {
                Replies.DsnText d = Replies.dsnSplit("4.7.1", text);
                return reject(ErrorClass.POLICY, cfg.accessMapDeferCode, Replies.dsnFix(d.dsn(), replyClass),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Access denied" : d.text()));
            }
            case "INFO":
                RestrictionChecks.LOG.info("info: {} from {}: {}", where, namaddr, LogText.printable(text));
                return DUNNO;
            case "WARN":
                warnings.add("warn: " + Replies.printable(text, '_', false));
                return DUNNO;
            case "FILTER":
                if (!canDelegate(table, cmd)) {
                    return DUNNO;
                }
                if (text.isEmpty() || text.indexOf(':') < 0) {
                    RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires transport:destination",
                            table, LogText.printable(datum));
                    return DUNNO;
                }
                actions.add(new MessageAction.Filter(text));
                return DUNNO;
            case "HOLD":
                if (!canDelegate(table, cmd)) {
                    return DUNNO;
                }
                if (actions.stream().noneMatch(a -> a instanceof MessageAction.Hold)) {
                    actions.add(new MessageAction.Hold(prefix + " " + (text.isEmpty() ? "triggers HOLD action" : text)));
                }
                return DUNNO;
            case "DISCARD":
                if (!canDelegate(table, cmd)) {
                    return DUNNO;
                }
                actions.add(new MessageAction.Discard(prefix + " " + (text.isEmpty() ? "triggers DISCARD action" : text)));
                discard = true;
                return OK;
            case "REDIRECT":
            case "BCC":
                if (!canDelegate(table, cmd)) {
                    return DUNNO;
                }
                if (text.indexOf('@') < 0) {
                    RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires user@domain target",
                            table, LogText.printable(datum));
                    return DUNNO;
                }
                actions.add(cmd.equals("BCC") ? new MessageAction.Bcc(text) : new MessageAction.Redirect(text));
                return DUNNO;
            case "DEFER_IF_PERMIT": {
                Replies.DsnText d = Replies.dsnSplit("4.7.1", text);
                return deferIfPermit(true, ErrorClass.POLICY, cfg.accessMapDeferCode, Replies.dsnFix(d.dsn(), replyClass),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Service unavailable" : d.text()));
            }
            case "DEFER_IF_REJECT": {
                Replies.DsnText d = Replies.dsnSplit("4.7.1", text);
                deferIf(deferIfReject, ErrorClass.POLICY, cfg.accessMapDeferCode, Replies.dsnFix(d.dsn(), replyClass),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Service unavailable" : d.text()));
                return DUNNO;
            }
            case "PREPEND":
                if (senderAddress == null) {
                    RestrictionChecks.LOG.warn("warning: access table {}: with smtpd_delay_reject=no, action PREPEND "
                            + "is always skipped in client or helo restrictions", table);
                    return DUNNO;
                }
                if (stage == SmtpStage.END_OF_DATA) {
                    RestrictionChecks.LOG.warn("warning: access table {}: action PREPEND must be used before "
                            + "smtpd_end_of_data_restrictions", table);
                    return DUNNO;
                }
                if (!isHeader(text)) {
                    RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires header: text", table,
                            LogText.printable(datum));
                    return DUNNO;
                }
                actions.add(new MessageAction.Prepend(text));
                return DUNNO;
            case "OK":
            case "RELAY":
                return OK;
            default:
                break;
        }
        if (HostNames.allDigits(v)) {
            return OK;
        }
        if (cmd.length() == 3 && !text.isEmpty() && (cmd.charAt(0) == '4' || cmd.charAt(0) == '5')
                && Character.isDigit(cmd.charAt(1)) && Character.isDigit(cmd.charAt(2))) {
            Replies.DsnText d = Replies.dsnSplit(cmd.charAt(0) + ".7.1", text);
            return reject(ErrorClass.POLICY, Integer.parseInt(cmd), Replies.dsnFix(d.dsn(), replyClass),
                    prefix + " rejected: " + (d.text().isEmpty() ? "Access denied" : d.text()));
        }
        if (v.indexOf(':') >= 0) {
            RestrictionChecks.LOG.warn("warning: access table {} has entry with lookup table: {}; do not specify lookup "
                    + "tables inside SMTPD access maps; define a restriction class and specify its name instead.",
                    table, LogText.printable(v));
            serverError();
        }
        if (recursion > 100) {
            RestrictionChecks.LOG.warn("warning: access table {} entry {} causes unreasonable recursion", table,
                    LogText.printable(v));
            serverError();
        }
        List<Restriction> list;
        try {
            list = Restriction.parseList("access table " + table, PostfixLists.split(v), cfg.classNames, null);
        } catch (ConfigException | IllegalArgumentException e) {
            RestrictionChecks.LOG.warn("warning: {}", LogText.printable(e.getMessage()));
            serverError();
            return DUNNO;
        }
        if (list.isEmpty()) {
            return OK;
        }
        return generic(list, replyName, replyClass, defAcl);
    }

    private boolean canDelegate(String table, String action) {
        if (stage == SmtpStage.ETRN) {
            RestrictionChecks.LOG.warn("warning: access table {}: action {} is unavailable in smtpd_etrn_restrictions",
                    table, action);
            return false;
        }
        if (senderAddress == null) {
            RestrictionChecks.LOG.warn("warning: access table {}: with smtpd_delay_reject=no, action {} is always "
                    + "skipped in client or helo restrictions", table, action);
            return false;
        }
        return true;
    }

    /** is_header(): "Name:" with a name of printable characters other than ':' and space. */
    private static boolean isHeader(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ relay control

    private int permitAuthDestination(String rcpt) {
        Resolved r = resolve(rcpt);
        if (!cfg.allowUntrustedRouting && r.routed()) {
            return DUNNO;
        }
        if (r.isFinal() || r.addressClass() == AddressClass.RELAY) {
            return OK;
        }
        return DUNNO;
    }

    private int rejectUnauthDestination(String rcpt, int code, String dsn) {
        if (permitAuthDestination(rcpt) == OK) {
            return DUNNO;
        }
        return reject(ErrorClass.POLICY, code, dsn, "<" + rcpt + ">: Relay access denied");
    }

    // ------------------------------------------------------------------ syntax checks

    private int rejectInvalidHostaddr(String addr) {
        String test = addr;
        if (addr.startsWith("[") && addr.length() > 2 && addr.endsWith("]")) {
            test = addr.substring(1, addr.length() - 1);
        }
        if (!HostNames.validMailhostAddr(test)) {
            return reject(ErrorClass.POLICY, cfg.invalidHostnameCode, "5.5.2",
                    "<" + addr + ">: " + Replies.HELO + " rejected: invalid ip address");
        }
        return DUNNO;
    }

    private int rejectInvalidHostname(String name) {
        String test = HostNames.truncateDot(name);
        if (!HostNames.validHostname(test) && !HostNames.validHostaddr(test)) {
            return reject(ErrorClass.POLICY, cfg.invalidHostnameCode, "5.5.2",
                    "<" + name + ">: " + Replies.HELO + " rejected: Invalid name");
        }
        return DUNNO;
    }

    private int rejectNonFqdnHostname(String name) {
        String test = HostNames.truncateDot(name);
        if (!HostNames.validHostname(test) || test.indexOf('.') < 0) {
            return reject(ErrorClass.POLICY, cfg.nonFqdnCode, "5.5.2",
                    "<" + name + ">: " + Replies.HELO + " rejected: need fully-qualified hostname");
        }
        return DUNNO;
    }

    private int rejectNonFqdnAddress(String addr, String replyClass) {
        int at = addr.lastIndexOf('@');
        String domain = at < 0 ? "" : addr.substring(at + 1);
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return DUNNO;
        }
        String test = HostNames.truncateDot(domain);
        if (test.isEmpty() || !HostNames.validHostname(test) || test.indexOf('.') < 0) {
            return reject(ErrorClass.POLICY, cfg.nonFqdnCode, "4.5.2",
                    "<" + addr + ">: " + replyClass + " rejected: need fully-qualified address");
        }
        return DUNNO;
    }

    // ------------------------------------------------------------------ DNS

    private int rejectUnknownClient(boolean forward) {
        String name = forward ? clientName : reverseName;
        if (clientAddress == null || !name.equalsIgnoreCase("unknown")) {
            return DUNNO;
        }
        DnsChecks.Status s = cfg.dns.clientName(clientAddress, forward);
        if (s == DnsChecks.Status.OK) {
            return DUNNO;
        }
        int code = s == DnsChecks.Status.RETRY ? 450 : cfg.unknownClientCode;
        return forward
                ? reject(ErrorClass.POLICY, code, "4.7.25",
                        "Client host rejected: cannot find your hostname, [" + clientAddress + "]")
                : reject(ErrorClass.POLICY, code, "4.7.1",
                        "Client host rejected: cannot find your reverse hostname, [" + clientAddress + "]");
    }

    private int rejectUnknownHostname(String name) {
        String test = HostNames.truncateDot(name);
        DnsChecks.Status s = cfg.dns.host(test);
        String text = "<" + name + ">: " + Replies.HELO + " rejected: Host not found";
        if (s == DnsChecks.Status.NOT_FOUND) {
            return reject(ErrorClass.POLICY, cfg.unknownHostnameCode, "4.7.1", text);
        }
        if (s == DnsChecks.Status.RETRY) {
            return deferIfPermit(cfg.unknownHeloDeferIfPermit, ErrorClass.POLICY, 450, "4.7.1", text);
        }
        return DUNNO;
    }

    private int rejectUnknownAddress(String addr, String replyClass) {
        Resolved r = resolve(addr);
        if (r.isFinal() || r.domain().startsWith("[")) {
            return DUNNO;
        }
        boolean sender = Replies.SENDER.equals(replyClass);
        DnsChecks.Status s = cfg.dns.mailHost(r.domain());
        switch (s) {
            case NULL_MX:
                return reject(ErrorClass.POLICY, sender ? 550 : 556, sender ? "4.7.27" : "4.1.10", "<" + addr + ">: "
                        + replyClass + " rejected: Domain " + r.domain() + " does not accept mail (nullMX)");
            case NOT_FOUND:
                return reject(ErrorClass.POLICY, cfg.unknownAddressCode, sender ? "4.1.8" : "4.1.2",
                        "<" + addr + ">: " + replyClass + " rejected: Domain not found");
            case RETRY:
                return deferIfPermit(cfg.unknownAddressDeferIfPermit, ErrorClass.POLICY, 450, sender ? "4.1.8" : "4.1.2",
                        "<" + addr + ">: " + replyClass + " rejected: Domain not found");
            default:
                return DUNNO;
        }
    }

    /** A DNS list query for an address; null answer when not listed or the filter does not match. */
    private DnsChecks.ListAnswer queryAddr(String spec) {
        int eq = spec.indexOf('=');
        String domain = eq < 0 ? spec : spec.substring(0, eq);
        byte[] bytes = org.postern.api.support.IpAddresses.parse(clientAddress);
        if (bytes == null) {
            return DnsChecks.ListAnswer.NOT_LISTED;
        }
        return filtered(spec, DnsChecks.reverseName(bytes, domain, domain));
    }

    private DnsChecks.ListAnswer queryDomain(String spec, String what) {
        int at = what.lastIndexOf('@');
        String domain = at < 0 ? what : what.substring(at + 1);
        if (domain.isEmpty() || domain.startsWith("[")) {
            return DnsChecks.ListAnswer.NOT_LISTED;
        }
        int dot = domain.lastIndexOf('.');
        if (HostNames.allDigits(dot < 0 ? domain : domain.substring(dot + 1))
                || !HostNames.validHostname(HostNames.truncateDot(domain))) {
            return DnsChecks.ListAnswer.NOT_LISTED;
        }
        int eq = spec.indexOf('=');
        String listDomain = eq < 0 ? spec : spec.substring(0, eq);
        return filtered(spec, domain + "." + listDomain);
    }

    private DnsChecks.ListAnswer filtered(String spec, String query) {
        DnsChecks.ListAnswer a = cfg.dns.listLookup(query);
        if (a.soft()) {
            RestrictionChecks.LOG.warn("warning: {}: RBL lookup error", LogText.printable(query));
            return a;
        }
        int eq = spec.indexOf('=');
        if (a.listed() && eq >= 0 && !DnsChecks.filterMatches(spec.substring(eq + 1), a.addresses())) {
            return DnsChecks.ListAnswer.NOT_LISTED;
        }
        return a;
    }

    private int rejectRblAddr(String spec, String replyClass) {
        DnsChecks.ListAnswer a = queryAddr(spec);
        return a.listed() ? rblRejectReply(a, spec, clientAddress, replyClass) : DUNNO;
    }

    private int rejectRblDomain(String spec, String what, String replyClass) {
        DnsChecks.ListAnswer a = queryDomain(spec, what);
        return a.listed() ? rblRejectReply(a, spec, what, replyClass) : DUNNO;
    }

    /** permit_dnswl_client (what == null) and permit_rhswl_client. */
    private int permitDnswl(String spec, String what, String replyClass) {
        if (stage == SmtpStage.RCPT && recipientAddress != null && permitAuthDestination(recipientAddress) != OK) {
            return DUNNO;
        }
        DnsChecks.ListAnswer a = what == null ? queryAddr(spec) : queryDomain(spec, what);
        if (a.soft()) {
            deferIf(deferIfReject, ErrorClass.POLICY, 450, "4.7.1",
                    "<" + (what == null ? clientAddress : what) + ">: " + replyClass + " rejected: Service unavailable");
            return DUNNO;
        }
        return a.listed() ? OK : DUNNO;
    }

    private int rblRejectReply(DnsChecks.ListAnswer a, String spec, String what, String replyClass) {
        int eq = spec.indexOf('=');
        String domain = eq < 0 ? spec : spec.substring(0, eq);
        String template = null;
        for (String key : eq < 0 ? List.of(spec) : List.of(spec, domain)) {
            for (Dict d : cfg.rblReplyMaps) {
                LookupResult r = d.lookup(key);
                if (r instanceof LookupResult.Found f) {
                    template = f.value();
                    break;
                }
                if (r.isFailure()) {
                    RestrictionChecks.LOG.warn("warning: {}: rbl_reply_maps lookup error", d.spec());
                    serverError();
                }
            }
            if (template != null) {
                break;
            }
        }
        Map<String, String> vars = new HashMap<>();
        vars.put("rbl_code", Integer.toString(cfg.rblCode));
        vars.put("rbl_domain", domain);
        vars.put("rbl_reason", a.txt() == null ? "" : a.txt());
        vars.put("rbl_txt", a.txt() == null ? "" : a.txt());
        vars.put("rbl_what", what);
        vars.put("rbl_class", replyClass);
        vars.put("client_address", clientAddress == null ? "" : clientAddress);
        vars.put("client_name", clientName);
        vars.put("reverse_client_name", reverseName);
        vars.put("client_port", Integer.toString(facts.clientPort()));
        vars.put("helo_name", heloName == null ? "" : heloName);
        vars.put("sender", senderAddress == null ? "" : senderAddress);
        vars.put("recipient", recipientAddress == null ? "" : recipientAddress);
        vars.put("protocol", facts.protocol() == null ? "" : facts.protocol());
        vars.put("sasl_username", facts.saslUsername() == null ? "" : facts.saslUsername());
        Map<String, String> raw = new HashMap<>();
        for (Map.Entry<String, String> e : vars.entrySet()) {
            // Untrusted text: printable, and "$" stays literal.
            raw.put(e.getKey(), Replies.printable(e.getValue(), '_', false).replace("$", "$$"));
        }
        String text;
        try {
            text = new Expander(raw::get).expand(template != null ? template : cfg.defaultRblReply);
        } catch (ConfigException e) {
            RestrictionChecks.LOG.warn("warning: bad rbl reply template for domain {}: {}", domain,
                    LogText.printable(e.getMessage()));
            try {
                text = new Expander(raw::get).expand(cfg.defaultRblReply);
            } catch (ConfigException e2) {
                serverError();
                return DUNNO;
            }
        }
        if (text.length() < 4 || (text.charAt(0) != '4' && text.charAt(0) != '5') || !Character.isDigit(text.charAt(1))
                || !Character.isDigit(text.charAt(2)) || text.charAt(3) != ' ') {
            RestrictionChecks.LOG.warn("warning: rbl response code configuration error: {}", LogText.printable(text));
            return reject(ErrorClass.POLICY, 450, "4.7.1", "Service unavailable");
        }
        int code = Integer.parseInt(text.substring(0, 3));
        Replies.DsnText d = Replies.dsnSplit("4.7.1", text.substring(4));
        return reject(ErrorClass.POLICY, code, Replies.dsnFix(d.dsn(), replyClass),
                d.text().isEmpty() ? "Service unavailable" : d.text());
    }

    // ------------------------------------------------------------------ recipient validation

    private int checkRecipientRcptMaps(String rcpt) {
        if (recipientRcptmapChecked) {
            return DUNNO;
        }
        if (warnIfReject == 0) {
            recipientRcptmapChecked = true;
        }
        return checkRcptMaps(rcpt, Replies.RECIPIENT, true);
    }

    private int checkSenderRcptMaps(String sender) {
        if (senderRcptmapChecked) {
            return DUNNO;
        }
        if (warnIfReject == 0) {
            senderRcptmapChecked = true;
        }
        return checkRcptMaps(sender, Replies.SENDER, true);
    }

    private boolean match(AddressMaps maps, Resolved r, String replyName) {
        if (maps.isEmpty()) {
            return false;
        }
        try {
            return maps.find(r.localPart(), r.domain(), cfg.recipientDelimiter,
                    r.addressClass() == AddressClass.LOCAL) != null;
        } catch (LookupFailure f) {
            RestrictionChecks.LOG.warn("warning: {}: {}", maps.parameter(), LogText.printable(f.getMessage()));
            if (f.temporary) {
                dictRetry(replyName);
            }
            serverError();
            return false;
        }
    }

    /**
     * check_rcpt_maps(). With {@code tables} false only the error/retry transport test runs
     * (smtpd_reject_unlisted_recipient = no; Postern wishlist).
     */
    private int checkRcptMaps(String addr, String replyClass, boolean tables) {
        Resolved r = resolve(addr);
        boolean sender = Replies.SENDER.equals(replyClass);
        if (match(cfg.recipientCanonicalMaps, r, addr) || (sender && match(cfg.senderCanonicalMaps, r, addr))
                || match(cfg.canonicalMaps, r, addr) || match(cfg.virtualAliasMaps, r, addr)) {
            return DUNNO;
        }
        if (r.transport().equalsIgnoreCase("error")) {
            Replies.DsnText d = Replies.dsnSplit(sender ? "5.1.0" : "5.1.1", r.nexthop());
            return reject(ErrorClass.BOUNCE, r.addressClass() == AddressClass.ALIAS ? cfg.virtualAliasCode : 550,
                    Replies.dsnFix(d.dsn(), replyClass), "<" + addr + ">: " + replyClass + " rejected: " + d.text());
        }
        if (r.transport().equalsIgnoreCase("retry")) {
            Replies.DsnText d = Replies.dsnSplit(sender ? "4.1.0" : "4.1.1", r.nexthop());
            return reject(ErrorClass.BOUNCE, 450, Replies.dsnFix(d.dsn(), replyClass),
                    "<" + addr + ">: " + replyClass + " rejected: " + d.text());
        }
        if (!tables) {
            return DUNNO;
        }
        String dsn = sender ? "5.1.0" : "5.1.1";
        String unknown = "<" + addr + ">: " + replyClass + " rejected: User unknown";
        switch (r.addressClass()) {
            case LOCAL:
                String local = r.localPart();
                if (!cfg.localRecipientMaps.isEmpty() && !local.equalsIgnoreCase(cfg.doubleBounceSender)
                        && !local.equalsIgnoreCase("postmaster") && !local.equalsIgnoreCase("MAILER-DAEMON")
                        && !match(cfg.localRecipientMaps, r, addr)) {
                    return reject(ErrorClass.BOUNCE, cfg.localRecipientCode, dsn,
                            unknown + (cfg.showUnknownTable ? " in local recipient table" : ""));
                }
                return DUNNO;
            case VIRTUAL:
                if (!cfg.virtualMailboxMaps.isEmpty() && !match(cfg.virtualMailboxMaps, r, addr)) {
                    return reject(ErrorClass.BOUNCE, cfg.virtualMailboxCode, dsn,
                            unknown + (cfg.showUnknownTable ? " in virtual mailbox table" : ""));
                }
                return DUNNO;
            case RELAY:
                boolean empty = cfg.relayRecipientMaps.isEmpty();
                if ((empty && cfg.emptyRelayRecipientMapsRejects) || (!empty && !match(cfg.relayRecipientMaps, r, addr))) {
                    return reject(ErrorClass.BOUNCE, cfg.relayRecipientCode, dsn,
                            unknown + (cfg.showUnknownTable ? " in relay recipient table" : ""));
                }
                return DUNNO;
            default:
                return DUNNO;
        }
    }
}
