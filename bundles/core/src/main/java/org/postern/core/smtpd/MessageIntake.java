// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.postern.api.support.LogText;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.message.Envelope;
import org.postern.core.milter.HeldMessage;
import org.postern.core.milter.MessageEdits;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   The queue file of one transaction: created after the first accepted RCPT (or
 *           MAIL), readied for the content after the DATA restrictions, committed after the
 *           END_OF_DATA ones, and the final reply only once the commit completed.
 * DESCRIPTION
 *   {@link #openQueueFile} creates the {@link IncomingMessage}, which names the queue ID
 *   (milters get it as {i} from then on) and logs "QUEUEID: client=", where Postfix's smtpd
 *   opens its cleanup stream. {@link #open} runs at DATA and at the first BDAT chunk: the
 *   DATA restrictions, then the file announced with the envelope (cleanup writes Received:
 *   from it first) and the {@link MessageReceiver} the content streams through.
 *   {@link #finish} checks the size and write errors, runs the END_OF_DATA
 *   restrictions and commits. If the client hung up before, the message is discarded rather
 *   than committed (RFC 1047 duplicates).
 * SECURITY  A {@link CleanupRejection} from the commit is sent to the client as it is. A queue
 *           file past the file system's size limit (EFBIG) is refused as too big (552 5.3.4),
 *           other write errors as temporary (451 4.3.0), as Postfix's cleanup does.
 */
final class MessageIntake {

    private final SmtpSession s;

    MessageIntake(SmtpSession session) {
        this.s = session;
    }

    /**
     * Opens the transaction's queue file, which gives it its queue ID, as Postfix's
     * mail_open_stream: after the first accepted RCPT (smtpd_delay_open_until_valid_rcpt = yes)
     * or after MAIL (no). Calls back on the event loop with null, or with the refusal when the
     * file cannot be created; a transaction that ended meanwhile gets no file.
     */
    void openQueueFile(Transaction t, Consumer<SmtpReply> then) {
        AtomicReference<IncomingMessage> created = new AtomicReference<>();
        s.async(() -> createQueueFile(CheckResult.DUNNO, created), result -> {
            if (result.accepted()) {
                adopt(t, created.get());
            }
            then.accept(result.reply());
        });
    }

    /**
     * On a worker, once a stage accepted: creates the queue file into {@code created}, or turns
     * {@code accepted} into 451 4.3.0 when it cannot.
     */
    CheckResult createQueueFile(CheckResult accepted, AtomicReference<IncomingMessage> created) {
        try {
            created.set(s.cx.queue().receive());
            return accepted;
        } catch (IOException | RuntimeException e) {
            s.log.warn("queue file create failed: " + e);
            return new CheckResult(CheckResult.Verdict.DEFER, SmtpdReplies.QUEUE_FILE_WRITE_ERROR, List.of(),
                    accepted.warnings());
        }
    }

    /** On the event loop: the file made for {@code t} joins it and logs "client=", or goes when t has ended. */
    void adopt(Transaction t, IncomingMessage created) {
        if (t != s.tx() || !s.ctx().channel().isActive()) {
            created.close();
            return;
        }
        t.message = created;
        s.log.info(t.queueId(), t.queueId() + ": client=" + origin(t));
    }

    /** Runs the DATA restrictions and readies the queue file for the content; calls back with null or a refusal. */
    void open(String command, Consumer<SmtpReply> then) {
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
            if (t.message != null) {
                announce(t, then);
                return;
            }
            // A file that could not be written at an earlier DATA was dropped: a new one.
            openQueueFile(t, refusal -> {
                if (refusal != null) {
                    then.accept(refusal);
                } else if (t.message != null) {
                    announce(t, then);
                }
            });
        });
    }

    /** Announces the envelope to the open file (cleanup writes Received: first) and readies the receiver. */
    private void announce(Transaction t, Consumer<SmtpReply> then) {
        IncomingMessage opened = t.message;
        s.async(() -> {
            try {
                IncomingMessage msg = s.milters.holdsContent()
                        ? new HeldMessage(opened) // the content waits for the milters' end-of-message
                        : opened;
                msg.announce(EnvelopeBuilder.envelope(t, s.client, s.security, s.st, s.cx.service()));
                return new Object[] {msg, new MessageReceiver(msg.content(), s.st.messageSizeLimit(),
                        s.st.headerSizeLimit())};
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }, value -> {
            if (value instanceof Exception) {
                s.log.warn(t.queueId(), t.queueId() + ": queue file write failed: " + value);
                opened.close();
                t.message = null;
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
            then.accept(null);
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

    void finish(Transaction t, String verb, boolean bdat) {
        if (t.receiver.tooBig()) {
            s.log.warn(t.queueId(), t.queueId() + ": queue file size limit exceeded");
            s.abortTransaction();
            s.answer(verb, SmtpdReplies.MESSAGE_TOO_BIG);
            return;
        }
        if (t.receiver.error() != null) {
            s.abortTransaction();
            s.answer(verb, writeFailed(t, t.receiver.error()));
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
            if (t.message instanceof HeldMessage held) {
                MilterEndOfMessage.run(s, t, held, outcome -> {
                    if (outcome.refusal() != null) {
                        s.answer(verb, outcome.refusal());
                    } else if (outcome.edits() != null) {
                        commit(t, verb, bdat, outcome.edits());
                    }
                });
                return;
            }
            commit(t, verb, bdat, MessageEdits.NONE);
        });
    }

    /** Commits the queue file; the reply waits for the commit to complete. */
    private void commit(Transaction t, String verb, boolean bdat, MessageEdits edits) {
        Envelope envelope = edits.apply(EnvelopeBuilder.envelope(t, s.client, s.security, s.st, s.cx.service()));
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
                s.answer(verb, writeFailed(t, cause));
                return;
            }
            s.resetErrorCounts();
            s.answer(verb, bdat
                    ? SmtpdReplies.chunkQueuedAs(t.receiver.size(), t.queueId())
                    : SmtpdReplies.queuedAs(t.queueId()));
        }));
    }

    /**
     * The reply to a failed queue file write, as Postfix's cleanup maps errno: the file grew past
     * the file size limit (EFBIG) is the message's fault, 552 "message file too big"; anything
     * else (a full disk, an I/O error) is ours, 451 "queue file write error".
     */
    private SmtpReply writeFailed(Transaction t, Throwable cause) {
        if (fileTooLarge(cause)) {
            s.log.warn(t.queueId(), t.queueId() + ": queue file size limit exceeded");
            return SmtpdReplies.MESSAGE_TOO_BIG;
        }
        s.log.warn(t.queueId(), t.queueId() + ": queue file write error: " + cause);
        return SmtpdReplies.QUEUE_FILE_WRITE_ERROR;
    }

    /** EFBIG, which Java reports only as an IOException with the C library's text. */
    static boolean fileTooLarge(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof IOException && c.getMessage() != null && c.getMessage().contains("File too large")) {
                return true;
            }
        }
        return false;
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
