// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.support.LogText;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.HostNames;
import org.postern.core.smtpd.policy.PolicyEndpoint;
import org.postern.core.smtpd.policy.PolicyReply;

/**
 * SUMMARY   What a check_policy_service answer means (the rest of Postfix's
 *           check_policy_service(): the reply goes through check_table_result()).
 * DESCRIPTION
 *   A well-formed action that access(5) knows (a command such as OK, DUNNO, REJECT, PREPEND,
 *   an all-digit value, "4NN text"/"5NN text", or a list of restriction names and
 *   smtpd_restriction_classes) is interpreted by {@link AccessResults}. No answer, and an
 *   action access(5) does not know, give the endpoint's default_action
 *   (smtpd_policy_service_default_action, or the endpoint's "default_action="); a
 *   default_action that is itself not an access(5) action gives Postfix's built-in
 *   "451 4.3.5 Server configuration problem". Nothing here permits by accident: Postfix lets
 *   an unknown action become "451 4.3.5 Server configuration error" instead of
 *   default_action (docs/postfix-differences.md).
 * SECURITY  The action comes from another process; warnings make it printable.
 */
final class PolicyActions {

    /** Postfix's DEF_SMTPD_POLICY_DEF_ACTION, for a default_action that is unusable itself. */
    static final String BUILT_IN_DEFAULT = "451 4.3.5 Server configuration problem";

    /** The access(5) commands {@link AccessResults#interpret} knows (first word, any case). */
    private static final Set<String> COMMANDS = Set.of("OK", "RELAY", "DUNNO", "REJECT", "DEFER", "DEFER_IF_PERMIT",
            "DEFER_IF_REJECT", "INFO", "WARN", "FILTER", "HOLD", "DISCARD", "REDIRECT", "BCC", "PREPEND");

    private final Evaluation evaluation;

    PolicyActions(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    Verdict apply(PolicyEndpoint endpoint, PolicyReply reply, Target target) {
        if (reply instanceof PolicyReply.Action action) {
            String problem = problem(endpoint.name(), action.text());
            if (problem == null) {
                return interpret(endpoint, action.text(), target);
            }
            RestrictionChecks.LOG.warn("warning: {}", problem);
        }
        String fallback = endpoint.defaultAction();
        String problem = problem(endpoint.name(), fallback);
        if (problem != null) {
            RestrictionChecks.LOG.warn("warning: {}; default_action of {} is not usable, using \"{}\"", problem,
                    endpoint.name(), BUILT_IN_DEFAULT);
            fallback = BUILT_IN_DEFAULT;
        }
        return interpret(endpoint, fallback, target);
    }

    private Verdict interpret(PolicyEndpoint endpoint, String action, Target target) {
        return evaluation.results().interpret(endpoint.name(), action, "policy query", target);
    }

    /** Null when {@code action} is an access(5) action; else the warning, in Postfix's words. */
    String problem(String server, String action) {
        String v = action.strip();
        if (v.isEmpty()) {
            return "access table " + server + " entry \"" + LogText.printable(action) + "\" has empty value";
        }
        int sp = 0;
        while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
            sp++;
        }
        String cmd = v.substring(0, sp).toUpperCase(Locale.ROOT);
        boolean hasText = sp < v.length();
        if (COMMANDS.contains(cmd) || HostNames.allDigits(v) || (cmd.length() == 3 && hasText
                && (cmd.charAt(0) == '4' || cmd.charAt(0) == '5') && Character.isDigit(cmd.charAt(1))
                && Character.isDigit(cmd.charAt(2)))) {
            return null;
        }
        return restrictionListProblem(server, v);
    }

    /** A value that is not a command must be a list of restriction names and class names. */
    private String restrictionListProblem(String server, String v) {
        if (v.indexOf(':') >= 0) {
            return "access table " + server + " has entry with lookup table: " + LogText.printable(v);
        }
        List<String> tokens;
        try {
            tokens = PostfixLists.split(v);
        } catch (IllegalArgumentException e) {
            return "access table " + server + ": " + LogText.printable(e.getMessage());
        }
        Set<String> classNames = evaluation.config().lists.classNames;
        for (String token : tokens) {
            if (RestrictionName.of(token).isEmpty() && !classNames.contains(token)) {
                return "unknown smtpd restriction: \"" + LogText.printable(token) + "\"";
            }
        }
        try {
            new RestrictionParser(classNames, null, null).parse("access table " + server, tokens);
            return null;
        } catch (ConfigException e) {
            return LogText.printable(e.getMessage());
        }
    }
}
