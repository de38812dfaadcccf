// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.postern.api.dns.DnsResolver;

import org.postern.core.anvil.Anvil;
import org.postern.core.config.PostfixConfig;
import org.postern.core.queue.QueueStore;
import org.postern.core.smtpd.codec.SmtpResponseEncoder;
import org.postern.core.smtpd.codec.SmtpServerDecoder;
import org.postern.core.smtpd.sasl.SaslAuthServer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * One SMTP session on an EmbeddedChannel: restrictions and queue calls run inline, results come
 * back through the embedded event loop, so a test reads replies right after sending.
 */
final class SessionHarness {

    final InMemoryQueueStore queue = new InMemoryQueueStore();
    /** The domains ETRN asked the queue manager to flush. */
    final List<String> flushedSites = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ScriptedChecks checks;
    final EmbeddedChannel channel;
    final String greeting;

    SessionHarness(PostfixConfig config) {
        this(config, new ScriptedChecks());
    }

    SessionHarness(PostfixConfig config, ScriptedChecks checks) {
        this(config, checks, null, null, Runnable::run, Duration.ofSeconds(10));
    }

    /**
     * A session from {@code remote} (null: an EmbeddedChannel address, client address "unknown"),
     * with client hostname lookup through {@code dns} (null: none) on {@code executor}.
     */
    SessionHarness(PostfixConfig config, ScriptedChecks checks, InetSocketAddress remote, DnsResolver dns,
                   Executor executor, Duration dnsTimeout) {
        this(config, checks, remote, dns, executor, dnsTimeout, null);
    }

    /** As above, with SMTP AUTH against the authentication servers {@code sasl} makes (null: none). */
    SessionHarness(PostfixConfig config, ScriptedChecks checks, InetSocketAddress remote, DnsResolver dns,
                   Executor executor, Duration dnsTimeout, Supplier<SaslAuthServer> sasl) {
        this(config, checks, remote, dns, executor, dnsTimeout, sasl, new Anvil(), UNLIMITED_SPACE, q -> q);
    }

    /** A queue file system that always has room. */
    static final FreeSpace UNLIMITED_SPACE = () -> Long.MAX_VALUE;

    /**
     * As above, counting in {@code anvil} (share one between harnesses for several connections
     * of a client), with {@code queueSpace} as the queue's free space, and the session's queue
     * {@code wrap}ped around {@link #queue} (cleanup, a failing store).
     */
    SessionHarness(PostfixConfig config, ScriptedChecks checks, InetSocketAddress remote, DnsResolver dns,
                   Executor executor, Duration dnsTimeout, Supplier<SaslAuthServer> sasl, Anvil anvil,
                   FreeSpace queueSpace, UnaryOperator<QueueStore> wrap) {
        this(config, checks, remote, dns, executor, dnsTimeout, sasl, anvil, queueSpace, wrap, () -> null);
    }

    /** As above, with config's smtpd_milters served by the milter client {@code milters} gives (null: none). */
    SessionHarness(PostfixConfig config, Supplier<org.postern.api.milter.MilterService> milters) {
        this(config, milters, null);
    }

    /** As above, from the client {@code remote} (null: "unknown"). */
    SessionHarness(PostfixConfig config, Supplier<org.postern.api.milter.MilterService> milters,
                   InetSocketAddress remote) {
        this(config, new ScriptedChecks(), remote, null, Runnable::run, Duration.ofSeconds(10), null, new Anvil(),
                UNLIMITED_SPACE, q -> q, milters);
    }

    /** With config's smtpd_milters served by {@code milters}, and SMTP AUTH against what {@code sasl} makes. */
    static SessionHarness withMiltersAndSasl(PostfixConfig config, Supplier<org.postern.api.milter.MilterService> milters,
                                            InetSocketAddress remote, Supplier<SaslAuthServer> sasl) {
        return new SessionHarness(config, new ScriptedChecks(), remote, null, Runnable::run, Duration.ofSeconds(10),
                sasl, new Anvil(), UNLIMITED_SPACE, q -> q, milters);
    }

    /** As above, with the session's queue {@code wrap}ped around {@link #queue} (cleanup). */
    SessionHarness(PostfixConfig config, Supplier<org.postern.api.milter.MilterService> milters,
                   InetSocketAddress remote, UnaryOperator<QueueStore> wrap) {
        this(config, new ScriptedChecks(), remote, null, Runnable::run, Duration.ofSeconds(10), null, new Anvil(),
                UNLIMITED_SPACE, wrap, milters);
    }

    private SessionHarness(PostfixConfig config, ScriptedChecks checks, InetSocketAddress remote, DnsResolver dns,
                   Executor executor, Duration dnsTimeout, Supplier<SaslAuthServer> sasl, Anvil anvil,
                   FreeSpace queueSpace, UnaryOperator<QueueStore> wrap,
                   Supplier<org.postern.api.milter.MilterService> milters) {
        this.checks = checks.forbidding(config);
        SmtpdSettings st = SmtpdSettings.from(config);
        SmtpServerDecoder decoder = new SmtpServerDecoder(st.lineLengthLimit(), st.bareNewline());
        SmtpSession session = new SmtpSession(
                new SessionContext("smtp", st, checks, wrap.apply(queue), executor, anvil, null, dns, dnsTimeout, sasl,
                        flushedSites::add, queueSpace, org.postern.core.milter.MilterConfig.smtpd(config), milters,
                        executor),
                decoder);
        channel = new RemoteChannel(remote, decoder, SmtpResponseEncoder.INSTANCE, session);
        greeting = settle();
    }

    /** An EmbeddedChannel whose peer has a real socket address. */
    private static final class RemoteChannel extends EmbeddedChannel {
        private InetSocketAddress remote;

        RemoteChannel(InetSocketAddress remote, ChannelHandler... handlers) {
            super(DefaultChannelId.newInstance(), false, false, handlers);
            this.remote = remote;
            try {
                register();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return remote != null ? remote : super.remoteAddress0();
        }
    }

    /** Sends raw text (add CRLF yourself) and returns every reply line it produced. */
    String send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        return settle();
    }

    /** Sends one command line (CRLF added) and returns the replies. */
    String cmd(String line) {
        return send(line + "\r\n");
    }

    String settle() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            channel.runPendingTasks();
            channel.runScheduledPendingTasks();
            ByteBuf b;
            boolean any = false;
            while ((b = channel.readOutbound()) != null) {
                out.append(b.toString(StandardCharsets.UTF_8));
                b.release();
                any = true;
            }
            if (!any && !channel.hasPendingTasks()) {
                break;
            }
        }
        channel.checkException();
        return out.toString();
    }

    boolean open() {
        return channel.isActive();
    }
}
