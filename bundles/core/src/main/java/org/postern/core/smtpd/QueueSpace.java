// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;

import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   Whether the queue file system has room for one more message, asked at MAIL as
 *           Postfix's smtpd_check_queue does.
 * DESCRIPTION
 *   MAIL gets "452 4.3.1 Insufficient system storage" when the free space is not more than
 *   queue_minfree, or not more than 1.5 times message_size_limit (Postfix's rule since 2.1,
 *   which holds even with queue_minfree = 0), and Postfix's warning "not enough free space in
 *   mail queue: N bytes < 1.5*message size limit" is logged. Postern adds one case: a SIZE=
 *   the client declared that does not fit into the free space left above queue_minfree (it only
 *   matters when message_size_limit is 0, that is, no limit).
 *   When the file system cannot be asked, a warning is logged and the check passes: the queue
 *   itself reports real write trouble.
 * CONFIGURATION PARAMETERS  queue_minfree (0), message_size_limit (10240000), queue_directory.
 * SEE ALSO  Postfix smtpd_check.c (smtpd_check_queue), postconf(5) queue_minfree.
 */
final class QueueSpace {

    /** Postfix's smtpd_space_multf: free space must exceed this many times message_size_limit. */
    static final double SIZE_LIMIT_FACTOR = 1.5;

    private QueueSpace() {
    }

    /** Postfix smtpd's start-up warning when queue_minfree is set below the 1.5 * message_size_limit rule; or null. */
    static String configurationWarning(SmtpdSettings st) {
        long minfree = st.queueMinfree();
        long sizeLimit = st.messageSizeLimit();
        if (minfree > 0 && sizeLimit > 0 && minfree / SIZE_LIMIT_FACTOR < sizeLimit) {
            return "queue_minfree(" + minfree + ") should be at least " + SIZE_LIMIT_FACTOR + "*message_size_limit("
                    + sizeLimit + ")";
        }
        return null;
    }

    /**
     * The refusal of a MAIL declaring {@code declaredSize} (0 or less: none) for lack of room,
     * or null when there is room.
     */
    static SmtpReply check(FreeSpace fileSystem, SmtpdSettings st, SessionLog log, long declaredSize) {
        long free;
        try {
            free = fileSystem.usableBytes();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot determine free space of queue directory " + st.queueDirectory()
                    + ": " + e);
            return null;
        }
        long minfree = st.queueMinfree();
        long sizeLimit = st.messageSizeLimit();
        if (minfree >= free || sizeLimit >= free / SIZE_LIMIT_FACTOR) {
            log.warn("not enough free space in mail queue: " + free + " bytes < "
                    + SIZE_LIMIT_FACTOR + "*message size limit");
            return SmtpdReplies.INSUFFICIENT_STORAGE;
        }
        if (declaredSize > 0 && declaredSize > free - minfree) {
            log.warn("not enough free space in mail queue: " + free + " bytes < SIZE="
                    + declaredSize + " + queue_minfree " + minfree);
            return SmtpdReplies.INSUFFICIENT_STORAGE;
        }
        return null;
    }
}
