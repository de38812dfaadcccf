// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.postern.api.dns.DnsResolver;
import org.postern.core.anvil.Anvil;
import org.postern.core.config.PostfixConfig;
import org.postern.core.queue.QueueStore;
import org.postern.core.smtpd.codec.SmtpResponseEncoder;
import org.postern.core.smtpd.codec.SmtpServerDecoder;
import org.postern.core.smtpd.restrict.SmtpdChecks;
import org.postern.core.smtpd.sasl.DovecotAuthClient;
import org.postern.core.smtpd.sasl.SaslSettings;
import org.postern.core.smtpd.tls.ServerTls;
import org.postern.core.smtpd.tls.ServerTlsSettings;
import org.postern.core.smtpd.tls.SniCredentials;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * SUMMARY   smtpd - one SMTP listener (one master.cf "inet ... smtpd" line) on Netty.
 * DESCRIPTION
 *   Binds one address, and runs one {@link SmtpSession} per connection with the pipeline
 *   IdleStateHandler (smtpd_timeout per read; {@link RequestDeadline} instead with
 *   smtpd_per_request_deadline) - {@link SmtpServerDecoder} - {@link SmtpResponseEncoder}
 *   - session; STARTTLS (or, with smtpd_tls_wrappermode, the connection itself) puts the
 *   renegotiation guard and an SslHandler in front. Restrictions and queue file creation run on
 *   a small blocking executor. A plain class: the OSGi component that reads master.cf wraps it.
 * CONFIGURATION PARAMETERS
 *   myhostname, smtpd_banner, message_size_limit (10240000), smtpd_recipient_limit (1000),
 *   line_length_limit (2048), header_size_limit (102400), smtpd_timeout (300s),
 *   smtpd_hard_error_limit (20), smtpd_soft_error_limit (10), smtpd_error_sleep_time (1s),
 *   smtpd_junk_command_limit (100), disable_vrfy_command (no), smtpd_helo_required (no),
 *   smtputf8_enable, smtpd_forbid_bare_newline (no) and _exclusions ($mynetworks) and
 *   _reject_code (550), the smtpd_tls_* parameters (see {@link ServerTlsSettings}; keys, SNI
 *   and the handshake: {@link ServerTls}, {@link TlsHandshake}),
 *   smtpd_client_connection_count_limit (50), smtpd_client_connection_rate_limit (0),
 *   anvil_rate_time_unit (60s), smtpd_client_event_limit_exceptions ($mynetworks), the request
 *   rates of {@link ClientRateLimits} (smtpd_client_message_rate_limit and friends), queue_minfree
 *   (0, see {@link QueueSpace}), smtpd_authorized_xclient_hosts (empty),
 *   smtpd_authorized_xforward_hosts (empty), smtpd_discard_ehlo_keywords (empty),
 *   smtpd_forbid_unauth_pipelining (yes), smtpd_per_request_deadline (no), smtpd_min_data_rate
 *   (500), smtpd_recipient_overshoot_limit (1000); SMTP AUTH: see {@link SaslSettings}.
 *   <p>With a {@link DnsResolver}, the client hostname is looked up at connect before the
 *   greeting (PTR, then forward confirmation; at most {@link #CLIENT_LOOKUP_TIMEOUT}).
 * SECURITY  Everything a client sends is hostile; see {@link SmtpSession} and
 *           {@link SmtpServerDecoder}. DNS answers are hostile too (see {@link ClientHostname}).
 * BUGS      No ETRN, no postscreen; AUTH speaks only Dovecot's protocol. smtpd_discard_ehlo_keyword_address_maps is
 *           not supported (it needs table lookups this class has no access to); the
 *           authorized XCLIENT/XFORWARD host lists take addresses and networks only.
 * SEE ALSO  Postfix smtpd(8), RFC 5321, RFC 2920, RFC 3030, RFC 3207, RFC 3461, RFC 4954, RFC 6531.
 */
public final class SmtpServer {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** The most the client hostname lookup (PTR and forward lookups together) may delay the greeting. */
    static final Duration CLIENT_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

    private final String service;
    private final InetSocketAddress address;
    private final SmtpdSettings settings;
    private final SmtpdChecks checks;
    private final QueueStore queue;
    private final Path tlsDirectory;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ExecutorService blocking;
    private final Anvil anvil;
    private final boolean ownGroups;
    private final boolean ownExecutor;
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    private final DnsResolver dns;
    private volatile Channel listener;
    private volatile java.util.function.Consumer<String> siteFlush;
    private volatile SniCredentials sni;
    /** smtpd_milters; null when none. */
    private final org.postern.api.milter.MilterSettings milters;
    private volatile java.util.function.Supplier<org.postern.api.milter.MilterService> milterService = () -> null;
    /** How many sessions may wait on their milters at once (master.cf maxproc); see {@link #processLimit}. */
    private volatile int processLimit;
    /** The threads the milter calls block on; null without smtpd_milters. */
    private volatile ExecutorService milterThreads;

    /** A listener with its own event loops, executor and anvil. */
    public SmtpServer(String serviceName, InetSocketAddress address, PostfixConfig config, SmtpdChecks checks,
                      QueueStore queue, Path tlsDirectory) {
        this(serviceName, address, config, checks, queue, tlsDirectory, null, null, null, null);
    }

    /**
     * A listener that may share resources with others; each null argument means "make my own".
     *
     * @param serviceName   the master.cf service name (logs, anvil keys, SmtpFacts)
     * @param address       where to listen (port 0: any free port, see {@link #start()})
     * @param config        main.cf with this service's -o overrides applied
     * @param checks        the restrictions; called off the event loop
     * @param queue         where accepted mail goes
     * @param tlsDirectory  where the self-signed STARTTLS certificate is kept (null: no self-signed)
     * @param bossGroup     accepts connections
     * @param workerGroup   runs the sessions
     * @param blocking      runs restrictions and queue file creation
     * @param anvil         connection counts, shared across listeners when given
     */
    public SmtpServer(String serviceName, InetSocketAddress address, PostfixConfig config, SmtpdChecks checks,
                      QueueStore queue, Path tlsDirectory, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                      ExecutorService blocking, Anvil anvil) {
        this(serviceName, address, config, checks, queue, tlsDirectory, bossGroup, workerGroup, blocking, anvil, null);
    }

    /**
     * As the 10-argument constructor, with client hostname lookup.
     *
     * @param dns  looks up the client hostname at connect (PTR, then A/AAAA); null: every client
     *             is "unknown"
     */
    public SmtpServer(String serviceName, InetSocketAddress address, PostfixConfig config, SmtpdChecks checks,
                      QueueStore queue, Path tlsDirectory, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                      ExecutorService blocking, Anvil anvil, DnsResolver dns) {
        this.dns = dns;
        this.service = Objects.requireNonNull(serviceName);
        this.address = Objects.requireNonNull(address);
        this.settings = SmtpdSettings.from(config);
        this.milters = org.postern.core.milter.MilterConfig.smtpd(config);
        this.checks = Objects.requireNonNull(checks);
        this.queue = Objects.requireNonNull(queue);
        this.tlsDirectory = tlsDirectory;
        this.ownGroups = bossGroup == null || workerGroup == null;
        int n = INSTANCES.incrementAndGet();
        this.bossGroup = ownGroups ? new NioEventLoopGroup(1, new DefaultThreadFactory("postern-smtpd-accept-" + n))
                : bossGroup;
        this.workerGroup = ownGroups ? new NioEventLoopGroup(0, new DefaultThreadFactory("postern-smtpd-" + n))
                : workerGroup;
        this.ownExecutor = blocking == null;
        this.blocking = ownExecutor ? new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("postern-smtpd-check-" + n, true)) : blocking;
        this.anvil = anvil == null ? new Anvil() : anvil;
        this.processLimit = config.integer("default_process_limit");
    }

    /** What ETRN calls for a fast_flush_domains domain (the queue manager's site flush); before {@link #start()}. */
    public SmtpServer siteFlush(java.util.function.Consumer<String> flush) {
        this.siteFlush = flush;
        return this;
    }

    /** tls_server_sni_maps: keys per SNI name; before {@link #start()}. */
    public SmtpServer sni(SniCredentials credentials) {
        this.sni = credentials;
        return this;
    }

    /** Where each new session takes its milter client (null when none is installed); before {@link #start()}. */
    public SmtpServer milterService(java.util.function.Supplier<org.postern.api.milter.MilterService> service) {
        this.milterService = service;
        return this;
    }

    /**
     * master.cf's maxproc for this service (0: unlimited, taken as 1000): as many milter calls may
     * block at once, each on its own thread, before one session's call waits for another's (a
     * Postfix smtpd process per session gives the same bound). Before {@link #start()}.
     */
    public SmtpServer processLimit(int limit) {
        this.processLimit = limit;
        return this;
    }

    /** Binds the listener; returns the bound address once it accepts connections. */
    public InetSocketAddress start() throws IOException, InterruptedException {
        return start(Duration.ZERO);
    }

    /**
     * Binds the listener, trying again for up to {@code bindRetry} while the address is still in
     * use: after a reload the previous listener's socket can outlive its close by a moment (the
     * NIO selector releases it on its next pass), and giving up at once would leave the service
     * without a listener until the next reload.
     */
    public InetSocketAddress start(Duration bindRetry) throws IOException, InterruptedException {
        ServerTls ssl = null;
        if (settings.tlsConfigured()) {
            try {
                ssl = ServerTls.create(settings.tls(), settings.myhostname(), tlsDirectory, sni);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                SmtpdLog.warn(service, null, "TLS library problem: " + e + (settings.tls().wrapperMode()
                        ? "; wrapper-mode connections will be closed" : "; STARTTLS is not offered"));
            }
        }
        String spaceWarning = QueueSpace.configurationWarning(settings);
        if (spaceWarning != null) {
            SmtpdLog.warn(service, null, spaceWarning);
        }
        SaslSettings sasl = settings.sasl();
        if (milters != null && milterThreads == null) {
            milterThreads = MilterThreads.create(service, processLimit <= 0 ? 1000 : processLimit);
        }
        SessionContext context = new SessionContext(service, settings, checks, queue, blocking, anvil, ssl,
                dns, CLIENT_LOOKUP_TIMEOUT, sasl.enabled()
                        ? () -> new DovecotAuthClient(sasl, DovecotAuthClient.DEFAULT_TIMEOUT) : null, siteFlush,
                FreeSpace.of(settings.queueDirectory()), milters, () -> milterService.get(),
                milterThreads != null ? milterThreads : blocking);
        long timeout = settings.timeout().toMillis();
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SmtpServerDecoder decoder = new SmtpServerDecoder(settings.lineLengthLimit(),
                                settings.bareNewline());
                        SmtpSession session = new SmtpSession(context, decoder);
                        channels.add(ch);
                        sessions.add(session);
                        ch.closeFuture().addListener(f -> {
                            channels.remove(ch);
                            sessions.remove(session);
                        });
                        ch.pipeline()
                                .addLast("timeout", settings.perRequestDeadline()
                                        ? new RequestDeadline(settings.timeout(), settings.minDataRate())
                                        : new IdleStateHandler(timeout, 0, 0, TimeUnit.MILLISECONDS))
                                .addLast("decoder", decoder)
                                .addLast("encoder", SmtpResponseEncoder.INSTANCE)
                                .addLast("session", session);
                    }
                });
        long deadline = System.nanoTime() + bindRetry.toNanos();
        while (true) {
            try {
                listener = b.bind(address).sync().channel();
                return localAddress();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    throw (InterruptedException) e;
                }
                if (!(e instanceof BindException) || System.nanoTime() >= deadline) {
                    throw new IOException("smtpd " + service + ": cannot bind " + address + ": " + e.getMessage(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l == null ? null : (InetSocketAddress) l.localAddress();
    }

    /** Open sessions (for tests and the shell). */
    public int sessionCount() {
        return channels.size();
    }

    public Anvil anvil() {
        return anvil;
    }

    /** Stops {@link #stop(long, TimeUnit)} with a 10 second grace period. */
    public void stop() {
        stop(10, TimeUnit.SECONDS);
    }

    /**
     * Closes the listener, then lets each session finish its current command (idle sessions get
     * "421 4.3.2 ... Service shutting down" at once); sessions still open after the grace period
     * are closed. Releases the event loops and executor this server made itself.
     */
    public void stop(long grace, TimeUnit unit) {
        Channel l = listener;
        listener = null;
        if (l != null) {
            l.close().syncUninterruptibly();
        }
        sessions.forEach(SmtpSession::shutdown);
        long deadline = System.nanoTime() + unit.toNanos(grace);
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Channel c : channels) {
            c.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        if (ownGroups) {
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (ownExecutor) {
            blocking.shutdownNow();
        }
        ExecutorService m = milterThreads;
        milterThreads = null;
        if (m != null) {
            m.shutdownNow(); // the sessions are closed: a call still blocked is on a dead session
        }
    }
}
