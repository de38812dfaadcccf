// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * SUMMARY   smtpd_per_request_deadline = yes: smtpd_timeout limits the time to receive a whole
 *           request, not each read.
 * DESCRIPTION
 *   Sits in front of the decoder, in place of the per-read IdleStateHandler, and counts the
 *   plaintext bytes that pass (after TLS). The session starts the clock when it waits for a
 *   request ({@link #start}) and stops it when one is complete ({@link #stop}): the time the
 *   server itself takes (restrictions, DNS, the queue) does not count, as Postfix counts only
 *   the time spent waiting in reads and writes. During DATA and BDAT content every byte earns
 *   time back ({@link DeadlineBudget}, smtpd_min_data_rate). When the time is up it fires
 *   {@link #EXPIRED}; the session then answers "421 4.4.2 ... Error: timeout exceeded".
 * SECURITY  Defends against clients that trickle a command or a message one byte at a time to
 *           hold a session (and its memory) open indefinitely.
 * CONFIGURATION PARAMETERS  smtpd_timeout, smtpd_per_request_deadline (normal: no, overload:
 *           yes), smtpd_min_data_rate (500).
 * BUGS      Replies are not covered: a client that stops reading our replies is limited by the
 *           operating system's buffers, not by this deadline (Postfix's deadline covers writes).
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

    /** The user event of a request that did not arrive in time. */
    static final Object EXPIRED = new Object() {
        @Override
        public String toString() {
            return "request deadline expired";
        }
    };

    private final DeadlineBudget budget;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean running;

    RequestDeadline(Duration timeout, int minDataRate) {
        this.budget = new DeadlineBudget(timeout, minDataRate);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    /** The session waits for a request from now on; {@code content} for DATA and BDAT content. */
    void start(boolean content) {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(() -> start(content));
            return;
        }
        stop();
        running = true;
        budget.start(System.nanoTime(), content);
        arm();
    }

    /** The request arrived (or the session ends): the clock stops. */
    void stop() {
        if (ctx != null && !ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::stop);
            return;
        }
        running = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (running && msg instanceof ByteBuf b) {
            budget.received(b.readableBytes(), System.nanoTime());
        }
        super.channelRead(ctx, msg);
    }

    private void arm() {
        timer = ctx.executor().schedule(this::check, Math.max(1, budget.remaining(System.nanoTime())),
                TimeUnit.NANOSECONDS);
    }

    /** The timer ran: content may have earned time since it was set; otherwise the request is late. */
    private void check() {
        timer = null;
        if (!running) {
            return;
        }
        if (!budget.expired(System.nanoTime())) {
            arm();
            return;
        }
        running = false;
        ctx.fireUserEventTriggered(EXPIRED);
    }
}
