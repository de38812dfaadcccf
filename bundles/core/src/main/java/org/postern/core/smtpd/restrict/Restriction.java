// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.api.dict.Dict;
import org.postern.core.smtpd.policy.PolicyClient;

/**
 * One parsed element of a restriction list, as a value that evaluates to a {@link Verdict}
 * (Postfix's generic_checks() body for one element). {@link RestrictionParser} makes them.
 */
sealed interface Restriction {

    /** Evaluates this restriction for {@code target} within one evaluation. */
    Verdict evaluate(Evaluation evaluation, Target target);

    /**
     * A built-in restriction.
     *
     * @param argument the DNS list ("domain" or "domain=filter") or table spec; null for a
     *                 restriction without argument
     * @param table    the opened access table of a check_*_access; null otherwise
     */
    record Builtin(RestrictionName name, String argument, Dict table) implements Restriction {

        static Builtin plain(RestrictionName name) {
            return new Builtin(name, null, null);
        }

        @Override
        public Verdict evaluate(Evaluation evaluation, Target target) {
            return name.check().apply(evaluation, this, target);
        }
    }

    /** A smtpd_restriction_classes name (as written): its list runs as one restriction. */
    record ClassRef(String name) implements Restriction {

        @Override
        public Verdict evaluate(Evaluation evaluation, Target target) {
            return evaluation.restrictionClass(name, target);
        }
    }

    /** A bare "type:table": the list's own check_*_access. */
    record BareTable(String spec, Dict table) implements Restriction {

        @Override
        public Verdict evaluate(Evaluation evaluation, Target target) {
            if (target.defaultAccess() == null) {
                return evaluation.bareTableNotAllowed(this, target);
            }
            return new Builtin(target.defaultAccess(), spec, table).evaluate(evaluation, target);
        }
    }

    /** check_policy_service with its (shared) client. */
    record PolicyService(String server, PolicyClient client) implements Restriction {

        @Override
        public Verdict evaluate(Evaluation evaluation, Target target) {
            return evaluation.policyQuery(client, target);
        }
    }
}
