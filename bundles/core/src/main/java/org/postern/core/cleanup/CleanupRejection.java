// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import org.postern.core.smtp.SmtpReply;

/**
 * Cleanup refuses a message (header_checks REJECT, virtual alias expansion limit, ...): the
 * commit future fails with this, and the SMTP server answers with {@link #reply()} instead of
 * "451 queue file write error". Nothing is queued.
 */
public final class CleanupRejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient SmtpReply reply;

    public CleanupRejection(SmtpReply reply) {
        super(reply.toString());
        this.reply = reply;
    }

    public SmtpReply reply() {
        return reply;
    }
}
