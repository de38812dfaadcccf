// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.postern.api.support.LogText;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.message.Envelope;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   The message content: DATA and BDAT (RFC 3030), the queue file they stream into, and
 *           the commit before the final 250.
 * DESCRIPTION
 *   DATA and the first BDAT chunk run the DATA restrictions and open the queue file (cleanup
 *   writes Received: from the envelope first); the content then streams through a
 *   {@link MessageReceiver}. At the end the END_OF_DATA restrictions run, then
 *   {@link IncomingMessage#commit}; the 250 is sent only when it has completed. If the client
 *   hung up before, the message is discarded rather than committed (RFC 1047 duplicates).
 *   A refused BDAT chunk is still read (and discarded); the reply owed for it waits in
 *   {@link #chunkError} until its end, and later chunks of the transaction are discarded too.
 * SECURITY  Content is client input; limits: message_size_limit, header_size_limit,
 *           smtpd_forbid_bare_newline. A {@link CleanupRejection} from the commit is sent to the
 *           client as it is.
 * BUGS      The queue file is opened at DATA/first BDAT, so "QUEUEID: client=" is logged then,
 *           not at the first accepted RCPT as in Postfix.
 */
final class ContentHandler {

    private final SmtpSession s;
    /** The reply owed at the end of the current BDAT chunk, when the chunk is being discarded. */
    private SmtpReply chunkError;

    ContentHandler(SmtpSession session) {
        this.s = session;
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
        if (s.decoder.hasBufferedInput()) {
            s.pipelining("DATA");
        }
        openMessage("DATA", reply -> {
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

    /** Runs the DATA restrictions and opens the queue file; calls back with null or a refusal. */
    private void openMessage(String command, Consumer<SmtpReply> then) {
        Transaction t = s.tx();
        s.check(SmtpStage.DATA, null, 0, result -> {
            s.log.warnings(result, command, null);
            if (!result.accepted()) {
                s.log.reject(command, result.reply(), null);
                then.accept(result.reply());
                return;
            }
            t.actions.addAll(result.actions());
            s.log.actions(t, command, result, null);
            s.async(() -> {
                try {
                    IncomingMessage msg = s.cx.queue().receive();
                    msg.announce(EnvelopeBuilder.envelope(t, s.client, s.security, s.st, s.cx.service())); // cleanup writes Received: first
                    return new Object[] {msg, new MessageReceiver(msg.content(), s.st.messageSizeLimit(),
                            s.st.headerSizeLimit())};
                } catch (IOException | RuntimeException e) {
                    return e;
                }
            }, value -> {
                if (value instanceof Exception) {
                    s.log.warn("queue file create failed: " + value);
                    then.accept(SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
                    return;
                }
                Object[] pair = (Object[]) value;
                t.message = (IncomingMessage) pair[0];
                t.receiver = (MessageReceiver) pair[1];
                if (t != s.tx() || !s.ctx().channel().isActive()) {
                    t.message.close();
                    return;
                }
                s.log.info(t.queueId(), t.queueId() + ": client=" + origin(t));
                then.accept(null);
            });
        });
    }

    /** The "client=" log line's text: the client, its SASL login and the XFORWARD origin. */
    private String origin(Transaction t) {
        StringBuilder origin = new StringBuilder(s.log.client());
        SecurityState security = s.security;
        if (security.saslUsername() != null) {
            origin.append(", sasl_method=").append(LogText.printable(security.saslMethod()))
                    .append(", sasl_username=").append(LogText.printable(security.saslUsername()));
        }
        if (t.mail.auth() != null && !t.mail.auth().equals("<>")) {
            origin.append(", sasl_sender=").append(LogText.printable(t.mail.auth()));
        }
        if (s.client.xforward().containsKey("IDENT")) {
            origin.append(", orig_queue_id=").append(LogText.printable(s.client.xforward().get("IDENT")));
        }
        if (s.client.xforward().containsKey("NAME") || s.client.xforward().containsKey("ADDR")) {
            origin.append(", orig_client=").append(LogText.printable(s.client.forwardOrigin()));
        }
        return origin.toString();
    }

    void endOfData() {
        Transaction t = s.tx();
        t.receiver.finish();
        finishMessage(t, "data", false);
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
        openMessage("BDAT", reply -> {
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
        finishMessage(tx, "bdat", true);
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

    private void finishMessage(Transaction t, String verb, boolean bdat) {
        if (t.receiver.tooBig()) {
            s.log.warn(t.queueId(), t.queueId() + ": queue file size limit exceeded");
            s.abortTransaction();
            s.answer(verb, SmtpdReplies.MESSAGE_TOO_BIG);
            return;
        }
        if (t.receiver.error() != null) {
            s.log.warn(t.queueId(), t.queueId() + ": queue file write error: " + t.receiver.error());
            s.abortTransaction();
            s.answer(verb, SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
            return;
        }
        s.check(SmtpStage.END_OF_DATA, null, t.receiver.size(), result -> {
            s.log.warnings(result, "END-OF-MESSAGE", null);
            if (!result.accepted()) {
                s.log.reject("END-OF-MESSAGE", result.reply(), null);
                s.abortTransaction();
                s.answer(verb, result.reply());
                return;
            }
            t.actions.addAll(result.actions());
            s.log.actions(t, "END-OF-MESSAGE", result, null);
            if (!s.ctx().channel().isActive() || s.closing()) {
                // RFC 1047: the client will not see our 250 and will send the message again.
                s.log.info(t.queueId(), t.queueId() + ": discarded: client " + s.log.client()
                        + " disconnected before the end-of-data reply");
                s.abortTransaction();
                return;
            }
            commit(t, verb, bdat);
        });
    }

    /** Commits the queue file; the reply waits for the commit to complete. */
    private void commit(Transaction t, String verb, boolean bdat) {
        Envelope envelope = EnvelopeBuilder.envelope(t, s.client, s.security, s.st, s.cx.service());
        t.committing = true;
        CompletableFuture<Void> future;
        try {
            future = t.message.commit(envelope);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((ok, failure) -> s.ctx().executor().execute(() -> {
            s.ended(t);
            if (failure != null) {
                Throwable cause = unwrap(failure);
                t.message.close();
                if (cause instanceof CleanupRejection && ((CleanupRejection) cause).reply() != null) {
                    SmtpReply reply = ((CleanupRejection) cause).reply();
                    s.log.reject(t, "END-OF-MESSAGE", reply, t.recipients.size() == 1
                            ? t.recipients.get(0).address() : null);
                    s.answer(verb, reply);
                    return;
                }
                s.log.warn(t.queueId(), t.queueId() + ": queue file write error: " + cause);
                s.answer(verb, SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
                return;
            }
            s.resetErrorCounts();
            s.answer(verb, bdat
                    ? SmtpdReplies.chunkQueuedAs(t.receiver.size(), t.queueId())
                    : SmtpdReplies.queuedAs(t.queueId()));
        }));
    }

    /** Unwraps CompletionException and ExecutionException. */
    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
