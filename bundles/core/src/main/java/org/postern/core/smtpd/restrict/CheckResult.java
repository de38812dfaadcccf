// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.List;

import org.postern.core.smtp.SmtpReply;

/**
 * The outcome of the restrictions of one stage.
 *
 * @param verdict  PERMIT/DUNNO accept the command; REJECT and DEFER refuse it with {@code reply}
 * @param reply    the refusal (5xx for REJECT, 4xx for DEFER); null when accepted
 * @param actions  access(5) message actions picked up on the way (HOLD, DISCARD, PREPEND, ...)
 * @param warnings what to log as "warn:" (WARN action, warn_if_reject), without refusing
 * @param moreLines the text of the refusal's further lines (a milter's multi-line reply), same code and status
 */
public record CheckResult(Verdict verdict, SmtpReply reply, List<MessageAction> actions, List<String> warnings,
                          List<String> moreLines) {

    public enum Verdict { PERMIT, DUNNO, REJECT, DEFER }

    public CheckResult {
        actions = List.copyOf(actions);
        warnings = List.copyOf(warnings);
        moreLines = List.copyOf(moreLines);
        if ((verdict == Verdict.REJECT || verdict == Verdict.DEFER) != (reply != null)) {
            throw new IllegalArgumentException("a refusal needs a reply, an acceptance must not have one");
        }
    }

    /** A result without further reply lines (the restrictions' own replies are one line). */
    public CheckResult(Verdict verdict, SmtpReply reply, List<MessageAction> actions, List<String> warnings) {
        this(verdict, reply, actions, warnings, List.of());
    }

    public static final CheckResult DUNNO = new CheckResult(Verdict.DUNNO, null, List.of(), List.of());

    public boolean accepted() {
        return verdict == Verdict.PERMIT || verdict == Verdict.DUNNO;
    }
}
