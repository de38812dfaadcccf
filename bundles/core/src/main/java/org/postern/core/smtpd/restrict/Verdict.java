// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.smtp.SmtpReply;

/**
 * What one restriction (or one restriction list) decides, as Postfix's generic_checks() reads
 * it: {@link Permit} and a refusal end the list, {@link Dunno} goes on to the next restriction.
 * A refusal carries its reply; whether it is a {@link Reject} or a {@link Defer} follows from
 * the reply code (soft_bounce and defer_if_reject have been applied already). The message
 * actions (HOLD, DISCARD, ...) a list picks up on the way are collected beside the verdicts
 * ({@link CollectedActions}) and reach the caller in the {@link CheckResult}.
 */
sealed interface Verdict {

    Verdict PERMIT = new Permit();
    Verdict DUNNO = new Dunno();

    /** OK: accept, skip the rest of the list. */
    record Permit() implements Verdict {
    }

    /** No opinion: the next restriction decides. */
    record Dunno() implements Verdict {
    }

    /** A 5xx refusal. */
    record Reject(SmtpReply reply) implements Verdict {
    }

    /** A 4xx refusal. */
    record Defer(SmtpReply reply) implements Verdict {
    }

    /** A Reject for a 5xx reply, a Defer for a 4xx one. */
    static Verdict refuse(SmtpReply reply) {
        return reply.code() >= 500 ? new Reject(reply) : new Defer(reply);
    }

    default boolean isDunno() {
        return this instanceof Dunno;
    }

    default boolean isPermit() {
        return this instanceof Permit;
    }

    default boolean isRefusal() {
        return this instanceof Reject || this instanceof Defer;
    }
}
