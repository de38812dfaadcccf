// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.net.HostNames;

/**
 * The HELO/EHLO name restrictions: reject_invalid_helo_hostname,
 * reject_unknown_helo_hostname, reject_non_fqdn_helo_hostname (an address literal is checked
 * as an address by all three). No HELO yet: no opinion.
 */
final class HeloChecks {

    private final Evaluation evaluation;

    HeloChecks(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict rejectInvalid() {
        String helo = evaluation.facts().heloName();
        if (helo == null) {
            return Verdict.DUNNO;
        }
        if (helo.startsWith("[")) {
            return rejectInvalidAddress(helo);
        }
        String test = HostNames.truncateDot(helo);
        if (!HostNames.validHostname(test) && !HostNames.validHostaddr(test)) {
            return refuse(evaluation.config().invalidHostnameCode, "5.5.2", helo, "Invalid name");
        }
        return Verdict.DUNNO;
    }

    Verdict rejectUnknown() {
        String helo = evaluation.facts().heloName();
        if (helo == null) {
            return Verdict.DUNNO;
        }
        if (helo.startsWith("[")) {
            return rejectInvalidAddress(helo);
        }
        DnsChecks.Status s = evaluation.config().dns.host(HostNames.truncateDot(helo));
        if (s == DnsChecks.Status.NOT_FOUND) {
            return refuse(evaluation.config().unknownHostnameCode, "4.7.1", helo, "Host not found");
        }
        if (s == DnsChecks.Status.RETRY) {
            return evaluation.refusals().deferIfPermit(evaluation.config().unknownHeloDeferIfPermit, 450, "4.7.1",
                    text(helo, "Host not found"));
        }
        return Verdict.DUNNO;
    }

    Verdict rejectNonFqdn() {
        String helo = evaluation.facts().heloName();
        if (helo == null) {
            return Verdict.DUNNO;
        }
        if (helo.startsWith("[")) {
            return rejectInvalidAddress(helo);
        }
        String test = HostNames.truncateDot(helo);
        if (!HostNames.validHostname(test) || test.indexOf('.') < 0) {
            return refuse(evaluation.config().nonFqdnCode, "5.5.2", helo, "need fully-qualified hostname");
        }
        return Verdict.DUNNO;
    }

    /** An address literal ("[192.0.2.1]"): refused unless a valid mail host address. */
    private Verdict rejectInvalidAddress(String literal) {
        String test = literal;
        if (literal.startsWith("[") && literal.length() > 2 && literal.endsWith("]")) {
            test = literal.substring(1, literal.length() - 1);
        }
        if (!HostNames.validMailhostAddr(test)) {
            return refuse(evaluation.config().invalidHostnameCode, "5.5.2", literal, "invalid ip address");
        }
        return Verdict.DUNNO;
    }

    private Verdict refuse(int code, String dsn, String helo, String why) {
        return evaluation.refusals().reject(code, dsn, text(helo, why));
    }

    private static String text(String helo, String why) {
        return "<" + helo + ">: " + Replies.HELO + " rejected: " + why;
    }
}
