// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;
import java.util.Optional;

import org.postern.api.dict.Dict;
import org.postern.api.dict.LookupResult;
import org.postern.core.smtpd.tls.ClientCertificate;
import org.postern.api.support.LogText;
import org.postern.core.access.AccessKeys;
import org.postern.core.rewrite.AddressResolver.Resolved;

/**
 * SUMMARY   The check_*_access restrictions: which keys each looks up, in which order (Postfix's
 *           check_namadr_access(), check_domain_access(), check_addr_access(),
 *           check_mail_access()). What a found value means is {@link AccessResults}' job.
 * DESCRIPTION
 *   The first key found decides; a client is looked up by name, then (when the name is not in
 *   the table at all) by address. Each table check names its own subject in replies ("Client
 *   host", "Sender address", ...) whatever list it appears in.
 * SECURITY  Keys are network input (names, addresses); they only select table entries.
 */
final class AccessTables {

    /** What a failed lookup stands for, as in Postfix: a table result that refuses with 451. */
    private static final String LOOKUP_ERROR = "451 4.3.5 Server configuration error";

    private final Evaluation evaluation;

    AccessTables(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict client(Dict table, Target t) {
        StageFacts f = evaluation.facts();
        return nameAndAddress(table, f.clientName(), f.clientAddress(),
                new Target(f.namaddr(), Replies.CLIENT, t.defaultAccess()));
    }

    /** check_reverse_client_hostname_access: OK is refused, the name is not verified. */
    Verdict reverseClient(Dict table, Target t) {
        StageFacts f = evaluation.facts();
        Verdict verdict = nameAndAddress(table, f.reverseName(), f.clientAddress(),
                new Target(f.reverseName(), Replies.REV_CLIENT, t.defaultAccess()));
        if (!evaluation.actions().discarded() && verdict.isPermit()) {
            RestrictionChecks.LOG.warn("warning: restriction {} returns OK for {}; this is not allowed for security "
                    + "reasons; use DUNNO instead of OK if you want to make an exception",
                    RestrictionName.CHECK_REVERSE_CLIENT_HOSTNAME_ACCESS.token(), LogText.printable(f.reverseName()));
            return evaluation.refusals().serverError();
        }
        return verdict;
    }

    Verdict helo(Dict table, Target t) {
        String helo = evaluation.facts().heloName();
        return helo == null ? Verdict.DUNNO
                : domain(table, helo, new Target(helo, Replies.HELO, t.defaultAccess())).orElse(Verdict.DUNNO);
    }

    /** The null sender is looked up as smtpd_null_access_lookup_key. */
    Verdict sender(Dict table, Target t) {
        String sender = evaluation.facts().sender();
        if (sender == null) {
            return Verdict.DUNNO;
        }
        Target target = new Target(sender, Replies.SENDER, t.defaultAccess());
        if (sender.isEmpty()) {
            String key = evaluation.config().nullAccessKey;
            return firstFound(table, List.of(key), key, target).orElse(Verdict.DUNNO);
        }
        return mailAddress(table, target);
    }

    Verdict recipient(Dict table, Target t) {
        String rcpt = evaluation.facts().recipient();
        return rcpt == null ? Verdict.DUNNO : mailAddress(table, new Target(rcpt, Replies.RECIPIENT, t.defaultAccess()));
    }

    Verdict etrn(Dict table, Target t) {
        String etrn = evaluation.facts().etrnName();
        return etrn == null ? Verdict.DUNNO
                : domain(table, etrn, new Target(etrn, Replies.ETRN, t.defaultAccess())).orElse(Verdict.DUNNO);
    }

    /**
     * check_ccert_access: the certificate's fingerprint, then its public key fingerprint
     * (smtpd_tls_fingerprint_digest); nothing without a client certificate.
     */
    Verdict clientCertificate(Dict table, Target t) {
        ClientCertificate cc = evaluation.facts().facts().clientCertificate();
        if (cc == null) {
            return Verdict.DUNNO;
        }
        String namaddr = evaluation.facts().namaddr();
        return firstFound(table, List.of(cc.fingerprint(), cc.pkeyFingerprint()), namaddr,
                new Target(namaddr, Replies.CCERT, t.defaultAccess())).orElse(Verdict.DUNNO);
    }

    /** check_namadr_access(): the name, and the address only when the name is not in the table. */
    private Verdict nameAndAddress(Dict table, String name, String address, Target target) {
        Optional<Verdict> byName = domain(table, name, target);
        if (byName.isPresent() || address == null) {
            return byName.orElse(Verdict.DUNNO);
        }
        List<String> keys;
        try {
            keys = AccessKeys.forHostAddress(address, table.flags());
        } catch (IllegalArgumentException e) {
            keys = List.of(address);
        }
        return firstFound(table, keys, address, target).orElse(Verdict.DUNNO);
    }

    /** check_domain_access(): the name and its parent domains; empty when none is in the table. */
    private Optional<Verdict> domain(Dict table, String domain, Target target) {
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        List<String> keys = AccessKeys.forHostName(domain, evaluation.config().accessParentStyle, table.flags());
        return firstFound(table, keys, domain, target);
    }

    /**
     * check_mail_access(): the resolved address, its domain and local part. A source-routed
     * recipient is not allowed through by OK (allow_untrusted_routing = no).
     */
    private Verdict mailAddress(Dict table, Target target) {
        String address = target.replyName();
        Lookup<Resolved> lookup = evaluation.resolve(address);
        if (lookup instanceof Lookup.Failed<Resolved> failed) {
            return failed.verdict();
        }
        Resolved r = ((Lookup.Answer<Resolved>) lookup).value();
        RestrictionChecks config = evaluation.config();
        List<String> keys = AccessKeys.forAddress(r.address(), config.recipientDelimiter, config.accessParentStyle,
                table.flags());
        Verdict verdict = firstFound(table, keys, r.address(), target).orElse(Verdict.DUNNO);
        boolean suspicious = !config.allowUntrustedRouting && r.routed() && Replies.RECIPIENT.equals(target.replyClass());
        return verdict.isPermit() && suspicious ? Verdict.DUNNO : verdict;
    }

    /** The verdict of the first key in the table; empty when none is. */
    private Optional<Verdict> firstFound(Dict table, List<String> keys, String datum, Target target) {
        for (String key : keys) {
            if (key.isEmpty()) {
                continue;
            }
            Optional<String> value = lookup(table, key);
            if (value.isPresent()) {
                return Optional.of(evaluation.results().interpret(table.spec(), value.get(), datum, target));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> lookup(Dict table, String key) {
        LookupResult r = table.lookup(key);
        if (r instanceof LookupResult.Found f) {
            return Optional.of(f.value());
        }
        if (r instanceof LookupResult.NotFound) {
            return Optional.empty();
        }
        String reason = r instanceof LookupResult.TemporaryFailure t ? t.reason()
                : ((LookupResult.ConfigurationError) r).reason();
        RestrictionChecks.LOG.warn("warning: {} lookup error for \"{}\": {}", table.spec(), LogText.printable(key),
                LogText.printable(reason));
        return Optional.of(LOOKUP_ERROR);
    }
}
