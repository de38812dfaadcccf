// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.ArrayList;
import java.util.List;

import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.MessageAction;

/**
 * SUMMARY   One mail transaction: the MAIL command, the accepted recipients, the access actions
 *           (HOLD, DISCARD, ...) collected on the way, the queue file and the BDAT progress.
 * DESCRIPTION
 *   Begins at MAIL (before its restrictions ran; dropped when they refuse) and ends at the end of
 *   data, RSET, HELO/EHLO, STARTTLS, XCLIENT or disconnect. The queue file is opened at DATA or
 *   the first BDAT chunk; once {@link #committing} it is no longer the session's to close.
 */
final class Transaction {

    final SmtpRequest.Mail mail;
    final List<EnvelopeRecipient> recipients = new ArrayList<>();
    final List<MessageAction> actions = new ArrayList<>();
    IncomingMessage message;
    MessageReceiver receiver;
    /** In BDAT mode: DATA and RCPT are refused. */
    boolean bdat;
    /** A chunk failed: the later ones are discarded until the last. */
    boolean bdatFailed;
    long bdatBytes;
    boolean committing;
    /** RCPT commands refused for smtpd_recipient_limit so far (smtpd_recipient_overshoot_limit). */
    int overshoot;

    Transaction(SmtpRequest.Mail mail) {
        this.mail = mail;
    }

    String sender() {
        return mail.sender();
    }

    String queueId() {
        return message == null ? "NOQUEUE" : message.queueId();
    }

    /** " (N bytes)" while content is being received, else "": for the lost-connection lines. */
    String bytesReceived() {
        return receiver != null ? " (" + receiver.size() + " bytes)" : "";
    }

    /** Discards the queue file, unless it is committed or being committed. */
    void abandon() {
        if (message != null && !committing) {
            message.close();
        }
    }
}
