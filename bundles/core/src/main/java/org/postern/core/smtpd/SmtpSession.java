// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.codec.SmtpResponse;
import org.postern.core.smtpd.codec.SmtpServerDecoder;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.SmtpdChecks;
import org.postern.core.smtpd.sasl.AuthExchange;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * SUMMARY   One SMTP server session: the RFC 5321 dialogue over decoded requests, dispatched to
 *           one handler per command family ({@code *Handler} in this package).
 * DESCRIPTION
 *   Sits after {@link SmtpServerDecoder} and never touches a ByteBuf. Each request is answered
 *   before the decoder hands on the next one ({@link SmtpServerDecoder#resume()}), so replies stay
 *   in order even when restrictions ({@link SmtpdChecks}, which may block) and queue operations
 *   run on the blocking executor ({@link #check}, {@link #async}); results come back on the
 *   event loop. The session keeps the Netty plumbing, the dispatch, reply batching under
 *   PIPELINING and the error accounting; the state is {@link ClientIdentity},
 *   {@link SecurityState} and the current {@link Transaction}; the texts are {@link SmtpdReplies}.
 *   After a CONNECT refusal every command but QUIT gets "503 5.7.0 Error: access denied".
 * SECURITY  All requests are client input. Limits here: smtpd_hard/soft_error_limit (with
 *           smtpd_error_sleep_time), smtpd_junk_command_limit, smtpd_timeout (per read, or per
 *           request with smtpd_per_request_deadline: {@link RequestDeadline});
 *           smtpd_forbidden_commands (asked of {@link SmtpdChecks#forbiddenCommand}) and message
 *           headers sent as commands hang up; improper pipelining ({@link PipeliningGuard}) is
 *           logged and, with smtpd_forbid_unauth_pipelining, hangs up.
 * BUGS      Content is written to the queue file on the event loop (the store should buffer).
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Set<String> JUNK = Set.of("helo", "ehlo", "noop", "vrfy", "rset", "etrn", "xclient",
            "xforward");

    final SessionContext cx;
    final SmtpdSettings st;
    final SmtpServerDecoder decoder;
    final ClientIdentity client = new ClientIdentity();
    final SecurityState security;
    final Extensions extensions;
    final SessionLog log;
    final CommandStats stats = new CommandStats();
    final PipeliningGuard pipelining;
    final ClientRateLimits rates = new ClientRateLimits(this);
    private final StageChecks checks;
    final SmtpdMilters milters;
    /** The transaction's queue file, shared by MAIL, RCPT and the content handlers. */
    final MessageIntake intake = new MessageIntake(this);

    private final ConnectHandler connect = new ConnectHandler(this);
    private final HeloHandler helo = new HeloHandler(this);
    private final MailHandler mail = new MailHandler(this);
    private final RcptHandler rcpt = new RcptHandler(this);
    private final ContentHandler content = new ContentHandler(this);
    private final AuthHandler auth = new AuthHandler(this);
    private final StartTlsHandler startTls = new StartTlsHandler(this);
    private final VrfyEtrnHandler vrfyEtrn = new VrfyEtrnHandler(this);
    private final XclientHandler xclient = new XclientHandler(this, connect);
    private final BasicCommandHandler basic = new BasicCommandHandler(this, mail, rcpt);

    private ChannelHandlerContext ctx;
    /** smtpd_per_request_deadline's clock; null when smtpd_timeout limits each read instead. */
    private RequestDeadline deadline;
    private Transaction tx;
    /** The CONNECT restrictions' refusal, the answer to every later command but QUIT; null when none. */
    private SmtpReply accessDenied;
    private int errorCount;
    private int junkCount;
    private String lastCommand = "CONNECT";
    /** A command is being answered: nothing more is read until it is. */
    private boolean pending;
    private boolean closing;
    private boolean shuttingDown;
    private boolean loggedDisconnect;

    SmtpSession(SessionContext cx, SmtpServerDecoder decoder) {
        this.cx = cx;
        this.st = cx.settings();
        this.decoder = decoder;
        this.security = new SecurityState(cx.saslServers());
        this.extensions = new Extensions(cx, client, security);
        this.log = new SessionLog(cx.service(), client, () -> tx);
        this.pipelining = new PipeliningGuard(this);
        this.checks = new StageChecks(cx.service(), cx.checks(), client, security);
        this.milters = new SmtpdMilters(this, cx.milters(), cx.milterService());
    }

    // ------------------------------------------------------------------ connection life cycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.deadline = ctx.pipeline().get(RequestDeadline.class);
        decoder.pause(); // nothing the client sends is acted on before the greeting
        pending = true;
        if (st.tls().wrapperMode()) {
            if (cx.ssl() == null) {
                log.warn("TLS is not available for wrapper-mode service " + cx.service() + "; closing the connection");
                closing = true;
                ctx.close();
                return;
            }
            // smtps: the handshake first; the greeting waits in the TLS handler until it is done.
            TlsHandshake.start(this, ctx, false);
        }
        connect.start(ctx.channel().remoteAddress());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!closing) {
            String bytes = tx != null ? tx.bytesReceived() : "";
            log.info("lost connection after " + lastCommand + bytes + " from " + log.client());
        }
        abortTransaction();
        milters.close();
        security.closeSaslServer();
        connect.release();
        if (!loggedDisconnect) {
            loggedDisconnect = true;
            log.info("disconnect from " + log.client() + stats);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent || evt == RequestDeadline.EXPIRED) {
            if (!pending && !closing) {
                String bytes = tx != null ? tx.bytesReceived() : "";
                log.info("timeout after " + lastCommand + bytes + " from " + log.client());
                close(SmtpdReplies.timeoutExceeded(st.myhostname()));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!closing) {
            String what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (lastCommand.equals("STARTTLS") || cause.getCause() instanceof javax.net.ssl.SSLException) {
                log.info("SSL_accept error from " + log.client() + ": " + LogText.printable(what));
            } else {
                log.info("lost connection after " + lastCommand + " from " + log.client() + ": "
                        + LogText.printable(what));
            }
            closing = true;
        }
        ctx.close();
    }

    /** Server shutdown: an idle session gets 421 now, a busy one when its current command is done. */
    void shutdown() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::shutdown);
            return;
        }
        shuttingDown = true;
        if (!pending && (tx == null || tx.receiver == null) && !closing) {
            close(SmtpdReplies.shuttingDown(st.myhostname()));
        }
    }

    // ------------------------------------------------------------------ dispatch

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpRequest r)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            return;
        }
        if (r instanceof SmtpRequest.Content c) {
            content.content(c);
            return;
        }
        pending = true;
        if (deadline != null) {
            deadline.stop();
        }
        AuthExchange exchange = security.takeExchange();
        if (r instanceof SmtpRequest.SaslResponse s) {
            auth.response(exchange, s);
        } else if (r instanceof SmtpRequest.EndOfData) {
            lastCommand = "END-OF-MESSAGE";
            content.endOfData();
        } else if (r instanceof SmtpRequest.EndOfChunk c) {
            content.endOfChunk(c);
        } else if (r instanceof SmtpRequest.BareLineFeed b) {
            content.bareLineFeed(b);
        } else {
            command(r);
        }
    }

    private void command(SmtpRequest r) {
        String verb = r.verb();
        lastCommand = verb.toUpperCase(Locale.ROOT);
        if (JUNK.contains(verb) && junkCount++ >= st.junkCommandLimit()) {
            errorCount++;
        }
        // As Postfix: a non-SMTP command hangs up even when access is denied.
        if (r instanceof SmtpRequest.Forbidden f) {
            basic.nonSmtp(f.line());
            return;
        }
        if (r instanceof SmtpRequest.Unknown u) {
            basic.unknown(u, () -> dispatch(r));
            return;
        }
        dispatch(r);
    }

    /** A command that is SMTP: access denial, the pipelining check, then its handler. */
    private void dispatch(SmtpRequest r) {
        String verb = r.verb();
        if (accessDenied != null && !(r instanceof SmtpRequest.Quit)) {
            answer(verb, SmtpdReplies.accessDenied(log.client()));
            return;
        }
        if (pipelining.hangsUp(r)) {
            stats.record(verb, false);
            close(SmtpdReplies.PROTOCOL_SYNCHRONIZATION);
            return;
        }
        if (r instanceof SmtpRequest.Helo h) {
            helo.helo(h);
        } else if (r instanceof SmtpRequest.Mail m) {
            mail.mail(m);
        } else if (r instanceof SmtpRequest.Rcpt c) {
            rcpt.rcpt(c);
        } else if (r instanceof SmtpRequest.Data) {
            content.data();
        } else if (r instanceof SmtpRequest.Bdat b) {
            content.bdat(b);
        } else if (r instanceof SmtpRequest.Vrfy v) {
            vrfyEtrn.vrfy(v);
        } else if (r instanceof SmtpRequest.Etrn e) {
            vrfyEtrn.etrn(e);
        } else if (r instanceof SmtpRequest.StartTls) {
            startTls.startTls();
        } else if (r instanceof SmtpRequest.Xclient x) {
            xclient.xclient(x);
        } else if (r instanceof SmtpRequest.Xforward x) {
            xclient.xforward(x);
        } else if (r instanceof SmtpRequest.Auth a) {
            auth.auth(a);
        } else {
            basic.handle(r);
        }
    }

    // ------------------------------------------------------------------ replies and flow

    /** Sends the final reply of one command, counts it, applies the error limits, then reads on. */
    void answer(String verb, Object response) {
        int code = response instanceof SmtpReply ? ((SmtpReply) response).code()
                : ((SmtpResponse) response).lines().get(0).code();
        answer(verb, response, code >= 400);
    }

    /**
     * As {@link #answer(String, Object)}; {@code failed} says whether the command counts as an
     * error (a 4xx or 5xx reply normally does; smtpd_recipient_overshoot_limit makes exceptions).
     */
    void answer(String verb, Object response, boolean failed) {
        stats.record(verb, !failed);
        boolean sleep = errorCount >= st.softErrorLimit() && !st.errorSleepTime().isZero();
        if (failed) {
            errorCount++;
        }
        Runnable after = () -> {
            if (closing) {
                return;
            }
            if (errorCount >= st.hardErrorLimit()) {
                ctx.write(extensions.wire(response)); // leaves with the 421 in one write, as Postfix's do
                log.info("too many errors after " + lastCommand + " from " + log.client());
                close(SmtpdReplies.tooManyErrors(st.myhostname()));
                return;
            }
            sendPipelined(response);
            if (shuttingDown && (tx == null || tx.receiver == null)) {
                close(SmtpdReplies.shuttingDown(st.myhostname()));
                return;
            }
            readOn();
        };
        if (sleep) {
            ctx.executor().schedule(after, st.errorSleepTime().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            after.run();
        }
    }

    /** Sends a reply that is not the end of a command (greeting, 354, 334, 220 for TLS). */
    void send(Object response) {
        ctx.writeAndFlush(extensions.wire(response));
    }

    /**
     * Like {@link #send} but, while more client input waits in the decoder (PIPELINING), the
     * reply joins the next ones in one write; the decoder flushes when it runs out of input.
     * Postfix's smtpd batches its replies the same way.
     */
    private void sendPipelined(Object response) {
        if (decoder.hasBufferedInput()) {
            ctx.write(extensions.wire(response));
        } else {
            send(response);
        }
    }

    /** Sends the last reply and hangs up. */
    void close(SmtpReply reply) {
        closing = true;
        pending = false;
        if (deadline != null) {
            deadline.stop();
        }
        ctx.writeAndFlush(extensions.wire(reply)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The command is done without a final reply from here: read the next request. */
    void readOn() {
        pending = false;
        if (deadline != null) {
            deadline.start(decoder.readingContent());
        }
        decoder.resume();
    }


    /**
     * Runs the restrictions of {@code stage} off the event loop, then (when they accepted) the
     * milters' event on the milter executor; {@code then} runs on the event loop. The two
     * executors are apart so that a stalled filter holds no thread the restrictions need.
     */
    void check(SmtpStage stage, String recipient, long size, Consumer<CheckResult> then) {
        check(stage, recipient, List.of(), size, then);
    }

    /** As {@link #check(SmtpStage, String, long, Consumer)} for RCPT, with its ESMTP parameters for the milters. */
    void check(SmtpStage stage, String recipient, List<String> rcptParameters, long size,
               Consumer<CheckResult> then) {
        check(stage, recipient, rcptParameters, size, null, then);
    }

    /**
     * As above, with {@code onAccepted} run on the same worker thread once the restrictions and
     * the milters accepted: blocking work that must follow the acceptance (the first RCPT's
     * queue file) without one more round trip through the executors. It may turn the
     * acceptance into a refusal. Null: nothing to do.
     */
    void check(SmtpStage stage, String recipient, List<String> rcptParameters, long size,
               UnaryOperator<CheckResult> onAccepted, Consumer<CheckResult> then) {
        SmtpFacts facts = checks.facts(tx, recipient, size, pipelining.violated(), ctx.channel().localAddress());
        SmtpdMilters.Event event = milters.event(stage, lastCommand, tx, recipient, rcptParameters);
        UnaryOperator<CheckResult> finish = onAccepted == null ? r -> r : r -> r.accepted() ? onAccepted.apply(r) : r;
        try {
            cx.executor().execute(() -> {
                CheckResult result = checks.check(stage, facts);
                if (event == null || !result.accepted() && !milters.seesRefusal(event, result)) {
                    onEventLoop(finish.apply(result), then);
                    return;
                }
                try {
                    cx.milterExecutor().execute(() -> onEventLoop(finish.apply(milters.after(event, result)), then));
                } catch (RejectedExecutionException e) {
                    onEventLoop(result, r -> close(SmtpdReplies.serverLocalError(st.myhostname())));
                }
            });
        } catch (RejectedExecutionException e) {
            close(SmtpdReplies.serverLocalError(st.myhostname()));
        }
    }

    /** Runs {@code work} on the blocking executor, then {@code then} with its value on the event loop. */
    <T> void async(Supplier<T> work, Consumer<T> then) {
        async(cx.executor(), work, then);
    }

    /** As {@link #async(Supplier, Consumer)} on the milter executor (calls that may wait for a filter). */
    <T> void milterAsync(Supplier<T> work, Consumer<T> then) {
        async(cx.milterExecutor(), work, then);
    }

    private <T> void async(java.util.concurrent.Executor on, Supplier<T> work, Consumer<T> then) {
        try {
            on.execute(() -> onEventLoop(work.get(), then));
        } catch (RejectedExecutionException e) {
            close(SmtpdReplies.serverLocalError(st.myhostname()));
        }
    }

    private <T> void onEventLoop(T value, Consumer<T> then) {
        try {
            ctx.executor().execute(() -> then.accept(value));
        } catch (RejectedExecutionException e) {
            // the event loop is gone (server stopped); the channel is closed with it
        }
    }

    // ------------------------------------------------------------------ state the handlers share

    ChannelHandlerContext ctx() {
        return ctx;
    }

    /** The current transaction; null when none. */
    Transaction tx() {
        return tx;
    }

    /** MAIL: {@code t} is the current transaction while its restrictions run. */
    void begin(Transaction t) {
        checks.transactionStarted();
        tx = t;
    }

    /** The MAIL restrictions refused the transaction that {@link #begin} started. */
    void mailRefused() {
        tx = null;
    }

    /** {@code t} was committed (or failed to be): it ends, and the XFORWARD attributes with it. */
    void ended(Transaction t) {
        if (tx == t) {
            tx = null;
            client.forgetForward();
        }
    }

    /** Ends the current transaction (RSET, HELO, STARTTLS, XCLIENT, failures, disconnect). */
    void abortTransaction() {
        Transaction t = tx;
        tx = null;
        content.forgetChunkError();
        client.forgetForward();
        if (t != null) {
            t.abandon();
            milters.abort();
        }
    }

    /** A message was queued: the error and junk command counters start over, as Postfix's. */
    void resetErrorCounts() {
        errorCount = 0;
        junkCount = 0;
    }

    /** The CONNECT restrictions refused the client: the refusal is the greeting, and stays. */
    void accessDenied(SmtpReply refusal) {
        accessDenied = refusal;
    }

    String lastCommand() {
        return lastCommand;
    }

    void lastCommand(String command) {
        lastCommand = command;
    }

    boolean closing() {
        return closing;
    }

    /** The connection is lost (logged by the caller); later errors are not logged again. */
    void lost() {
        closing = true;
    }
}
