// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;
import java.util.Locale;

import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.HostNames;

/**
 * SUMMARY   What an access(5) value (or a policy server's action) means: Postfix's
 *           check_table_result().
 * DESCRIPTION
 *   OK, RELAY and all-digit values permit; REJECT, DEFER and "4NN/5NN text" refuse (with
 *   access_map_reject_code/access_map_defer_code, DSN and text from the value); DUNNO, INFO
 *   and WARN go on; DEFER_IF_PERMIT and DEFER_IF_REJECT are remembered; HOLD, DISCARD,
 *   FILTER, REDIRECT, BCC and PREPEND become message actions (DISCARD also permits and ends
 *   every list). Anything else is a restriction list (restriction class names), evaluated
 *   one level deeper; a table inside it, or nesting past 100 levels, is a configuration error.
 * SECURITY  Values come from the administrator's tables or a policy server; the reply text is
 *           made printable by {@link Refusals}, WARN text here.
 */
final class AccessResults {

    private final Evaluation evaluation;

    AccessResults(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    /**
     * @param table  the table (or policy endpoint) for warnings
     * @param value  what it answered
     * @param datum  the key that was found, for warnings
     * @param target what is being checked: the reply's name and class
     */
    Verdict interpret(String table, String value, String datum, Target target) {
        String v = value.strip();
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        String cmd = v.substring(0, sp).toUpperCase(Locale.ROOT);
        String text = v.substring(sp).strip();
        String prefix = "<" + target.replyName() + ">: " + target.replyClass();
        RestrictionChecks config = evaluation.config();
        Refusals refusals = evaluation.refusals();
        switch (cmd) {
            case "OK":
            case "RELAY":
                return Verdict.PERMIT;
            case "DUNNO":
                return Verdict.DUNNO;
            case "REJECT":
                return refuse(config.accessMapRejectCode, "5.7.1", text, "Access denied", target);
            case "DEFER":
                return refuse(config.accessMapDeferCode, "4.7.1", text, "Access denied", target);
            case "DEFER_IF_PERMIT": {
                Replies.DsnText d = Replies.dsnSplit("4.7.1", text);
                return refusals.deferIfPermit(true, config.accessMapDeferCode, Replies.dsnFix(d.dsn(), target.replyClass()),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Service unavailable" : d.text()));
            }
            case "DEFER_IF_REJECT": {
                Replies.DsnText d = Replies.dsnSplit("4.7.1", text);
                return refusals.deferIfReject(config.accessMapDeferCode, Replies.dsnFix(d.dsn(), target.replyClass()),
                        prefix + " rejected: " + (d.text().isEmpty() ? "Service unavailable" : d.text()));
            }
            case "INFO":
                StageFacts f = evaluation.facts();
                RestrictionChecks.LOG.info("info: {} from {}: {}", f.where(), f.namaddr(), LogText.printable(text));
                return Verdict.DUNNO;
            case "WARN":
                refusals.warn(Replies.printable(text, '_', false));
                return Verdict.DUNNO;
            case "FILTER":
            case "HOLD":
            case "DISCARD":
            case "REDIRECT":
            case "BCC":
                return canDelegate(table, cmd) ? messageAction(table, cmd, text, datum, prefix) : Verdict.DUNNO;
            case "PREPEND":
                return prepend(table, text, datum);
            default:
                break;
        }
        if (HostNames.allDigits(v)) {
            return Verdict.PERMIT;
        }
        if (cmd.length() == 3 && !text.isEmpty() && (cmd.charAt(0) == '4' || cmd.charAt(0) == '5')
                && Character.isDigit(cmd.charAt(1)) && Character.isDigit(cmd.charAt(2))) {
            return refuse(Integer.parseInt(cmd), cmd.charAt(0) + ".7.1", text, "Access denied", target);
        }
        return restrictionList(table, v, target);
    }

    /** REJECT, DEFER, 4NN, 5NN: the DSN and text of the value, or the defaults. */
    private Verdict refuse(int code, String defaultDsn, String text, String defaultText, Target target) {
        Replies.DsnText d = Replies.dsnSplit(defaultDsn, text);
        return evaluation.refusals().reject(code, Replies.dsnFix(d.dsn(), target.replyClass()), "<" + target.replyName()
                + ">: " + target.replyClass() + " rejected: " + (d.text().isEmpty() ? defaultText : d.text()));
    }

    private Verdict messageAction(String table, String cmd, String text, String datum, String prefix) {
        CollectedActions actions = evaluation.actions();
        switch (cmd) {
            case "FILTER":
                if (text.isEmpty() || text.indexOf(':') < 0) {
                    RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires transport:destination",
                            table, LogText.printable(datum));
                    return Verdict.DUNNO;
                }
                actions.add(new MessageAction.Filter(text));
                return Verdict.DUNNO;
            case "HOLD":
                actions.hold(new MessageAction.Hold(prefix + " " + (text.isEmpty() ? "triggers HOLD action" : text)));
                return Verdict.DUNNO;
            case "DISCARD":
                actions.discard(new MessageAction.Discard(prefix + " "
                        + (text.isEmpty() ? "triggers DISCARD action" : text)));
                return Verdict.PERMIT;
            default:
                if (text.indexOf('@') < 0) {
                    RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires user@domain target",
                            table, LogText.printable(datum));
                    return Verdict.DUNNO;
                }
                actions.add(cmd.equals("BCC") ? new MessageAction.Bcc(text) : new MessageAction.Redirect(text));
                return Verdict.DUNNO;
        }
    }

    private Verdict prepend(String table, String text, String datum) {
        StageFacts f = evaluation.facts();
        if (f.sender() == null) {
            RestrictionChecks.LOG.warn("warning: access table {}: with smtpd_delay_reject=no, action PREPEND "
                    + "is always skipped in client or helo restrictions", table);
            return Verdict.DUNNO;
        }
        if (f.stage() == SmtpStage.END_OF_DATA) {
            RestrictionChecks.LOG.warn("warning: access table {}: action PREPEND must be used before "
                    + "smtpd_end_of_data_restrictions", table);
            return Verdict.DUNNO;
        }
        if (!isHeader(text)) {
            RestrictionChecks.LOG.warn("warning: access table {} entry \"{}\" requires header: text", table,
                    LogText.printable(datum));
            return Verdict.DUNNO;
        }
        evaluation.actions().add(new MessageAction.Prepend(text));
        return Verdict.DUNNO;
    }

    /** A value that is a restriction list: class names and built-ins, without tables. */
    private Verdict restrictionList(String table, String v, Target target) {
        if (v.indexOf(':') >= 0) {
            RestrictionChecks.LOG.warn("warning: access table {} has entry with lookup table: {}; do not specify lookup "
                    + "tables inside SMTPD access maps; define a restriction class and specify its name instead.",
                    table, LogText.printable(v));
            return evaluation.refusals().serverError();
        }
        if (evaluation.nestingTooDeep()) {
            RestrictionChecks.LOG.warn("warning: access table {} entry {} causes unreasonable recursion", table,
                    LogText.printable(v));
            return evaluation.refusals().serverError();
        }
        List<Restriction> list;
        try {
            list = new RestrictionParser(evaluation.config().lists.classNames, null, null)
                    .parse("access table " + table, PostfixLists.split(v));
        } catch (ConfigException | IllegalArgumentException e) {
            RestrictionChecks.LOG.warn("warning: {}", LogText.printable(e.getMessage()));
            return evaluation.refusals().serverError();
        }
        return list.isEmpty() ? Verdict.PERMIT : evaluation.walk(list, target);
    }

    private boolean canDelegate(String table, String action) {
        StageFacts f = evaluation.facts();
        if (f.stage() == SmtpStage.ETRN) {
            RestrictionChecks.LOG.warn("warning: access table {}: action {} is unavailable in smtpd_etrn_restrictions",
                    table, action);
            return false;
        }
        if (f.sender() == null) {
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
}
