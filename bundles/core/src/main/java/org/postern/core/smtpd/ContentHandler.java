// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;

/**
 * SUMMARY   The message content commands: DATA and BDAT (RFC 3030), the chunks and lines that
 *           follow them, and a bare LF where smtpd_forbid_bare_newline = reject.
 * DESCRIPTION
 *   DATA and the first BDAT chunk open the transaction's queue file ({@link MessageIntake});
 *   the content then streams through its {@link MessageReceiver}, and the end of data or the
 *   last chunk has it committed. A refused BDAT chunk is still read (and discarded); the reply
 *   owed for it waits in {@link #chunkError} until its end, and later chunks of the
 *   transaction are discarded too.
 * SECURITY  Content is client input; limits: message_size_limit (per chunk and in total),
 *           header_size_limit, smtpd_forbid_bare_newline. BDAT refused as not announced
 *           closes the session: the chunk cannot be told from commands.
 */
final class ContentHandler {

    private final SmtpSession s;
    private final MessageIntake intake;
    /** The reply owed at the end of the current BDAT chunk, when the chunk is being discarded. */
    private SmtpReply chunkError;

    ContentHandler(SmtpSession session) {
        this.s = session;
        this.intake = session.intake;
    }

    /** A piece of content: into the queue file, unless the chunk is being discarded. */
    void content(SmtpRequest.Content c) {
        Transaction tx = s.tx();
        if (tx != null && tx.receiver != null && chunkError == null) {
            tx.receiver.write(c.bytes(), c.endOfLine());
        }
    }

    /** The transaction ended: no reply is owed for a chunk any more. */
    void forgetChunkError() {
        chunkError = null;
    }

    /** The refusal of DATA or a first BDAT in the current state, or null. */
    private SmtpReply stateError(boolean bdat) {
        SmtpReply refusal = s.extensions.tlsRequired();
        if (refusal != null) {
            return refusal;
        }
        Transaction tx = s.tx();
        if (tx == null) {
            return SmtpdReplies.NEED_RCPT;
        }
        if (!bdat && tx.bdat) {
            return SmtpdReplies.DATA_AFTER_BDAT;
        }
        if (tx.recipients.isEmpty()) {
            return SmtpdReplies.NO_VALID_RECIPIENTS;
        }
        return null;
    }

    void data() {
        SmtpReply refusal = stateError(false);
        if (refusal != null) {
            s.answer("data", refusal);
            return;
        }
        intake.open("DATA", reply -> {
            if (reply != null) {
                s.answer("data", reply);
                return;
            }
            s.send(SmtpdReplies.START_MAIL_INPUT);
            s.lastCommand("DATA");
            s.decoder.startData();
            s.readOn();
        });
    }

    void endOfData() {
        Transaction t = s.tx();
        t.receiver.finish();
        intake.finish(t, "data", false);
    }

    void bdat(SmtpRequest.Bdat b) {
        if (s.extensions.discards(EhloKeywords.Keyword.CHUNKING)) {
            // RFC 3030: the chunk cannot be told from commands reliably once BDAT is refused.
            s.stats.record("bdat", false);
            s.close(SmtpdReplies.BDAT_NOT_IMPLEMENTED);
            return;
        }
        Transaction tx = s.tx();
        chunkError = null;
        if (tx != null && tx.bdatFailed) {
            chunkError = SmtpdReplies.chunkDiscarded(b.size());
        } else if (tx == null || !tx.bdat) {
            chunkError = stateError(true);
            if (chunkError != null && tx != null) {
                tx.bdat = true; // as Postfix: the transaction is in BDAT mode, its later chunks are discarded
            }
        }
        if (chunkError == null && b.size() == 0 && !b.last()) {
            chunkError = SmtpdReplies.NULL_BDAT;
        }
        if (chunkError == null && s.st.messageSizeLimit() > 0 && b.size() > s.st.messageSizeLimit()) {
            chunkError = SmtpdReplies.CHUNK_TOO_BIG;
        }
        if (chunkError == null && s.st.messageSizeLimit() > 0 && tx.bdatBytes + b.size() > s.st.messageSizeLimit()) {
            chunkError = SmtpdReplies.MESSAGE_TOO_BIG;
        }
        if (chunkError != null || tx.bdat) {
            s.readOn(); // read (and maybe discard) the chunk
            return;
        }
        tx.bdat = true;
        intake.open("BDAT", reply -> {
            chunkError = reply;
            s.readOn();
        });
    }

    void endOfChunk(SmtpRequest.EndOfChunk c) {
        Transaction tx = s.tx();
        if (chunkError != null) {
            SmtpReply reply = chunkError;
            chunkError = null;
            if (tx != null && tx.bdat) {
                tx.bdatFailed = true;
                if (c.last()) {
                    s.abortTransaction();
                }
            }
            s.answer("bdat", reply);
            return;
        }
        tx.bdatBytes += c.size();
        if (!c.last()) {
            s.answer("bdat", SmtpdReplies.chunkOk(c.size()));
            return;
        }
        tx.receiver.finish();
        intake.finish(tx, "bdat", true);
    }

    /** A bare LF under smtpd_forbid_bare_newline = reject: a message is refused, a command line hangs up. */
    void bareLineFeed(SmtpRequest.BareLineFeed b) {
        String where = s.lastCommand();
        Transaction tx = s.tx();
        s.log.info(tx == null ? null : tx.queueId(), (tx == null ? "NOQUEUE" : tx.queueId())
                + ": reject: bare <LF> received from " + s.log.client() + " after " + where);
        SmtpReply reply = SmtpdReplies.bareLineFeed(s.st.bareNewlineRejectCode(), s.st.myhostname());
        if (b.afterData()) {
            s.abortTransaction();
            s.answer("data", reply);
            return;
        }
        s.stats.record(where.equals("DATA") ? "data" : "unknown", false);
        s.close(reply);
    }
}
