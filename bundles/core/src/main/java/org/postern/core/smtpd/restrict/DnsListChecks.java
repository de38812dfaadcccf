// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.dict.Dict;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;
import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.Expander;
import org.postern.core.net.HostNames;

/**
 * SUMMARY   The DNS list restrictions: reject_rbl_client, reject_rhsbl_{client,reverse_client,
 *           helo,sender,recipient}, permit_dnswl_client, permit_rhswl_client.
 * DESCRIPTION
 *   The argument is "domain" or "domain=filter" (a d.d.d.d pattern the A record must match).
 *   A listing refuses with the reply from rbl_reply_maps (by "domain=filter", then "domain")
 *   or default_rbl_reply, $name-expanded. An allow list permits only destinations we would
 *   accept at RCPT; a DNS error there is a pending defer_if_reject.
 * SECURITY  TXT text comes from remote DNS servers: made printable, "$" not expanded.
 */
final class DnsListChecks {

    private final Evaluation evaluation;

    DnsListChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict rejectClient(String spec) {
        String address = facts().clientAddress();
        if (address == null) {
            return Verdict.DUNNO;
        }
        DnsChecks.ListAnswer a = queryAddress(spec);
        return a.listed() ? refuse(a, spec, address, Replies.CLIENT) : Verdict.DUNNO;
    }

    Verdict permitClient(String spec) {
        return facts().clientAddress() == null ? Verdict.DUNNO : permit(spec, null, Replies.CLIENT);
    }

    Verdict rejectClientName(String spec) {
        String name = facts().clientName();
        return name.equalsIgnoreCase("unknown") ? Verdict.DUNNO : rejectDomain(spec, name, Replies.CLIENT);
    }

    Verdict permitClientName(String spec) {
        String name = facts().clientName();
        return name.equalsIgnoreCase("unknown") ? Verdict.DUNNO : permit(spec, name, Replies.CLIENT);
    }

    Verdict rejectReverseClientName(String spec) {
        String name = facts().reverseName();
        return name.equalsIgnoreCase("unknown") ? Verdict.DUNNO : rejectDomain(spec, name, Replies.REV_CLIENT);
    }

    Verdict rejectHelo(String spec) {
        String helo = facts().heloName();
        return helo == null ? Verdict.DUNNO : rejectDomain(spec, helo, Replies.HELO);
    }

    Verdict rejectSender(String spec) {
        String sender = facts().sender();
        return StageFacts.nonEmpty(sender) ? rejectDomain(spec, sender, Replies.SENDER) : Verdict.DUNNO;
    }

    Verdict rejectRecipient(String spec) {
        String rcpt = facts().recipient();
        return rcpt == null ? Verdict.DUNNO : rejectDomain(spec, rcpt, Replies.RECIPIENT);
    }

    private Verdict rejectDomain(String spec, String what, String replyClass) {
        DnsChecks.ListAnswer a = queryDomain(spec, what);
        return a.listed() ? refuse(a, spec, what, replyClass) : Verdict.DUNNO;
    }

    /** permit_dnswl_client (what == null) and permit_rhswl_client. */
    private Verdict permit(String spec, String what, String replyClass) {
        StageFacts f = facts();
        if (f.stage() == SmtpStage.RCPT && f.recipient() != null) {
            Verdict authorized = evaluation.relay().authorized(f.recipient());
            if (!authorized.isPermit()) {
                return authorized.isRefusal() ? authorized : Verdict.DUNNO;
            }
        }
        DnsChecks.ListAnswer a = what == null ? queryAddress(spec) : queryDomain(spec, what);
        if (a.soft()) {
            return evaluation.refusals().deferIfReject(450, "4.7.1",
                    "<" + (what == null ? f.clientAddress() : what) + ">: " + replyClass
                            + " rejected: Service unavailable");
        }
        return a.listed() ? Verdict.PERMIT : Verdict.DUNNO;
    }

    /** A DNS list query for the client address. */
    private DnsChecks.ListAnswer queryAddress(String spec) {
        byte[] bytes = IpAddresses.parse(facts().clientAddress());
        if (bytes == null) {
            return DnsChecks.ListAnswer.NOT_LISTED;
        }
        String domain = listDomain(spec);
        return filtered(spec, DnsChecks.reverseName(bytes, domain, domain));
    }

    /** A DNS list query for the domain of a name or address; never for an address literal or a number. */
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
        return filtered(spec, domain + "." + listDomain(spec));
    }

    private DnsChecks.ListAnswer filtered(String spec, String query) {
        DnsChecks.ListAnswer a = evaluation.config().dns.listLookup(query);
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

    private static String listDomain(String spec) {
        int eq = spec.indexOf('=');
        return eq < 0 ? spec : spec.substring(0, eq);
    }

    /** The refusal for a listing: the reply template, expanded and checked. */
    private Verdict refuse(DnsChecks.ListAnswer a, String spec, String what, String replyClass) {
        RestrictionChecks config = evaluation.config();
        String domain = listDomain(spec);
        String template = null;
        for (String key : spec.equals(domain) ? List.of(spec) : List.of(spec, domain)) {
            for (Dict d : config.rblReplyMaps) {
                LookupResult r = d.lookup(key);
                if (r instanceof LookupResult.Found f) {
                    template = f.value();
                    break;
                }
                if (r.isFailure()) {
                    RestrictionChecks.LOG.warn("warning: {}: rbl_reply_maps lookup error", d.spec());
                    return evaluation.refusals().serverError();
                }
            }
            if (template != null) {
                break;
            }
        }
        Map<String, String> values = templateValues(a, domain, what, replyClass);
        String text;
        try {
            text = new Expander(values::get).expand(template != null ? template : config.defaultRblReply);
        } catch (ConfigException e) {
            RestrictionChecks.LOG.warn("warning: bad rbl reply template for domain {}: {}", domain,
                    LogText.printable(e.getMessage()));
            try {
                text = new Expander(values::get).expand(config.defaultRblReply);
            } catch (ConfigException e2) {
                return evaluation.refusals().serverError();
            }
        }
        if (text.length() < 4 || (text.charAt(0) != '4' && text.charAt(0) != '5') || !Character.isDigit(text.charAt(1))
                || !Character.isDigit(text.charAt(2)) || text.charAt(3) != ' ') {
            RestrictionChecks.LOG.warn("warning: rbl response code configuration error: {}", LogText.printable(text));
            return evaluation.refusals().reject(450, "4.7.1", "Service unavailable");
        }
        int code = Integer.parseInt(text.substring(0, 3));
        Replies.DsnText d = Replies.dsnSplit("4.7.1", text.substring(4));
        return evaluation.refusals().reject(code, Replies.dsnFix(d.dsn(), replyClass),
                d.text().isEmpty() ? "Service unavailable" : d.text());
    }

    /** The $names of a reply template, printable, with "$" kept literal (the values are untrusted). */
    private Map<String, String> templateValues(DnsChecks.ListAnswer a, String domain, String what, String replyClass) {
        StageFacts f = facts();
        Map<String, String> vars = new HashMap<>();
        vars.put("rbl_code", Integer.toString(evaluation.config().rblCode));
        vars.put("rbl_domain", domain);
        vars.put("rbl_reason", a.txt() == null ? "" : a.txt());
        vars.put("rbl_txt", a.txt() == null ? "" : a.txt());
        vars.put("rbl_what", what);
        vars.put("rbl_class", replyClass);
        vars.put("client_address", f.clientAddress() == null ? "" : f.clientAddress());
        vars.put("client_name", f.clientName());
        vars.put("reverse_client_name", f.reverseName());
        vars.put("client_port", Integer.toString(f.facts().clientPort()));
        vars.put("helo_name", f.heloName() == null ? "" : f.heloName());
        vars.put("sender", f.sender() == null ? "" : f.sender());
        vars.put("recipient", f.recipient() == null ? "" : f.recipient());
        vars.put("protocol", f.facts().protocol() == null ? "" : f.facts().protocol());
        vars.put("sasl_username", f.facts().saslUsername() == null ? "" : f.facts().saslUsername());
        Map<String, String> raw = new HashMap<>();
        vars.forEach((name, value) -> raw.put(name, Replies.printable(value, '_', false).replace("$", "$$")));
        return raw;
    }

    private StageFacts facts() {
        return evaluation.facts();
    }
}
