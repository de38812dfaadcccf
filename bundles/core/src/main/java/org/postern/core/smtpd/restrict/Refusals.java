// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   Postfix's smtpd_check_reject() and the state around it for one evaluation:
 *           warn_if_reject, the pending defer_if_permit and defer_if_reject, the warnings.
 * DESCRIPTION
 *   {@link #reject} turns a refusal into its verdict: a bad code or DSN becomes "450 4.7.1
 *   Service unavailable"; the text is made printable and cut to fit 510 characters; under
 *   warn_if_reject a policy refusal becomes a "reject_warning:" and {@link Verdict#DUNNO};
 *   a pending defer_if_reject replaces a 5xx; soft_bounce makes a 5xx a 4xx.
 * SECURITY  Reply texts hold network input; they leave here printable and bounded.
 */
final class Refusals {

    /** Postfix's error classes: only policy and protocol refusals may become warnings. */
    enum ErrorClass { POLICY, PROTOCOL, BOUNCE, DATA, SOFTWARE, RESOURCE }

    /** A refusal held back by defer_if_permit or defer_if_reject. */
    record Pending(ErrorClass errorClass, int code, String dsn, String reason) {
    }

    private final boolean utf8Replies;
    private final boolean softBounce;
    private final List<String> warnings = new ArrayList<>();

    /** The list depth at which warn_if_reject was seen; 0 when not in force. */
    private int warnIfReject;
    private Pending deferIfPermit;
    private Pending deferIfReject;

    Refusals(boolean utf8Replies, boolean softBounce) {
        this.utf8Replies = utf8Replies;
        this.softBounce = softBounce;
    }

    /** smtpd_check_reject(): the refusal, or DUNNO when warn_if_reject turns it into a warning. */
    Verdict reject(ErrorClass errorClass, int code, String dsn, String text) {
        boolean warn = warnIfReject != 0 && errorClass != ErrorClass.SOFTWARE && errorClass != ErrorClass.RESOURCE
                && errorClass != ErrorClass.DATA;
        if (code < 400 || code > 599 || !Replies.validDsn(dsn)) {
            RestrictionChecks.LOG.warn("warning: SMTP reply code configuration error: {} {} {}", code, dsn,
                    LogText.printable(text));
            code = 450;
            dsn = "4.7.1";
            text = "Service unavailable";
        }
        text = Replies.printable(text, ' ', utf8Replies);
        int room = 510 - 4 - dsn.length() - 1;
        if (text.length() > room) {
            text = text.substring(0, Math.max(0, room));
        }
        if (!warn && deferIfReject != null && code >= 500) {
            Pending d = deferIfReject;
            warnIfReject = 0;
            deferIfReject = null;
            return reject(d.errorClass(), d.code(), d.dsn(), d.reason());
        }
        if (softBounce && code >= 500) {
            code -= 100;
        }
        dsn = (char) ('0' + code / 100) + dsn.substring(1);
        SmtpReply reply = new SmtpReply(code, dsn, text);
        if (warn) {
            warnings.add("reject_warning: " + reply);
            return Verdict.DUNNO;
        }
        return Verdict.refuse(reply);
    }

    /** A policy refusal (the common case). */
    Verdict reject(int code, String dsn, String text) {
        return reject(ErrorClass.POLICY, code, dsn, text);
    }

    /**
     * DEFER_IF_PERMIT: remember the deferral (the first one wins), or, under warn_if_reject or
     * when the tempfail action is "defer", refuse now.
     */
    Verdict deferIfPermit(boolean remember, int code, String dsn, String reason) {
        if (warnIfReject == 0 && remember) {
            if (deferIfPermit == null) {
                deferIfPermit = new Pending(ErrorClass.POLICY, code, dsn, reason);
            }
            return Verdict.DUNNO;
        }
        return reject(code, dsn, reason);
    }

    /** DEFER_IF_REJECT: a later 5xx refusal becomes this 4xx (the first one wins). */
    Verdict deferIfReject(int code, String dsn, String reason) {
        if (deferIfReject == null) {
            deferIfReject = new Pending(ErrorClass.POLICY, code, dsn, reason);
        }
        return Verdict.DUNNO;
    }

    /** "451 4.3.5 Server configuration error": ends the stage (Postfix's longjmp). */
    Verdict serverError() {
        return reject(ErrorClass.SOFTWARE, 451, "4.3.5", "Server configuration error");
    }

    /** "451 4.3.0 &lt;name&gt;: Temporary lookup failure": ends the stage. */
    Verdict dictRetry(String replyName) {
        return reject(ErrorClass.DATA, 451, "4.3.0", "<" + replyName + ">: Temporary lookup failure");
    }

    /** A list at this depth saw warn_if_reject: it applies to the next restriction. */
    void warnIfReject(int depth) {
        if (warnIfReject == 0) {
            warnIfReject = depth;
        }
    }

    /** Ends warn_if_reject once the restriction it applied to (at {@code depth} or deeper) is done. */
    void endWarnIfReject(int depth) {
        if (warnIfReject >= depth) {
            warnIfReject = 0;
        }
    }

    boolean warnIfRejectInForce() {
        return warnIfReject != 0;
    }

    /** SMTPD_CHECK_RESET for a new list: warn_if_reject and defer_if_reject end. */
    void reset() {
        warnIfReject = 0;
        deferIfReject = null;
    }

    /** A new protocol stage: a pending defer_if_permit is forgotten. */
    void forgetDeferIfPermit() {
        deferIfPermit = null;
    }

    boolean deferIfPermitPending() {
        return deferIfPermit != null;
    }

    boolean bothDefersPending() {
        return deferIfPermit != null && deferIfReject != null;
    }

    /** The pending defer_if_permit, now that the stage would have permitted. */
    Verdict applyDeferIfPermit() {
        Pending d = deferIfPermit;
        return reject(d.errorClass(), d.code(), d.dsn(), d.reason());
    }

    /** Adds an access(5) WARN text (already printable). */
    void warn(String text) {
        warnings.add("warn: " + text);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
