// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.IOException;

/**
 * A delivery into a mailbox, maildir or file failed. {@link #dsnStatus()} says how: a status
 * starting with 4 means try again later (lock timeout, disk full, I/O error), 5 means return
 * to sender (mailbox over its size limit). The message is meant for the sender's bounce
 * notice and names no local path; the cause, which may, is for the log.
 */
public final class MailboxException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String dsnStatus;

    public MailboxException(String dsnStatus, String message) {
        super(message);
        this.dsnStatus = dsnStatus;
    }

    public MailboxException(String dsnStatus, String message, Throwable cause) {
        super(message, cause);
        this.dsnStatus = dsnStatus;
    }

    /** RFC 3463 status, e.g. {@code 4.2.0}, {@code 5.2.2}. */
    public String dsnStatus() {
        return dsnStatus;
    }

    public boolean isTemporary() {
        return dsnStatus.startsWith("4");
    }

    /** Lock not obtained within deliver_lock_attempts: try later. */
    static MailboxException lockTimeout() {
        return new MailboxException("4.2.0", "unable to lock for exclusive access");
    }

    /** The mailbox (or one maildir file) would exceed its size limit: Postfix's EFBIG. */
    static MailboxException tooLarge() {
        return new MailboxException("5.2.2", "cannot update mailbox: File too large");
    }

    /** Any other I/O problem (disk full, permissions, missing directory): try later. */
    static MailboxException ioFailure(String what, IOException cause) {
        String reason = cause instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                : cause instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                : cause.getMessage();
        return new MailboxException("4.2.0", what + ": " + reason, cause);
    }
}
