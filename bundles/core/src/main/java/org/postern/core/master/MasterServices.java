// SPDX-License-Identifier: Apache-2.0
package org.postern.core.master;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;
import org.postern.core.anvil.Anvil;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.ConfigException;
import org.postern.core.config.LoadedConfig;
import org.postern.core.config.MasterService;
import org.postern.core.config.PostfixConfig;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.milter.MilterConfig;
import org.postern.core.queue.QueueStore;
import org.postern.core.runtime.PosternConfiguration;
import org.postern.core.rewrite.AddressMaps;
import org.postern.core.smtpd.SmtpServer;
import org.postern.core.smtpd.restrict.RestrictionChecks;
import org.postern.core.smtpd.tls.SniTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * SUMMARY   master - starts the services master.cf describes; for now the "inet ... smtpd" listeners.
 * DESCRIPTION
 *   Each "inet" line whose command is smtpd becomes one SmtpServer per listen address, with
 *   main.cf plus that line's "-o name=value" overrides, its own restrictions and cleanup
 *   (header checks, address rewriting, bcc: Postfix's cleanup, in process), and the shared
 *   queue, event loops, check executor and anvil (connection counts span all listeners, as
 *   Postfix's anvil does). A line that cannot start (bad -o value, unknown restriction, port in
 *   use) is logged with the reason and skipped; the others run. {@link #restart()} applies a
 *   reloaded configuration: new listeners start, old ones stop after their sessions end or
 *   after a grace period. A new listener whose address the old one still holds for a moment
 *   (the NIO selector releases a closed socket on its next pass) tries again for up to 5 s;
 *   before, such a listener was logged "Address already in use" and stayed down until the next
 *   reload.
 * SECURITY  Listens where master.cf says; the shipped master.cf uses 127.0.0.1 only.
 * BUGS      Transports (unix services) come with the delivery issue; "unix" lines are ignored.
 */
@Component(service = MasterServices.class, immediate = true)
public final class MasterServices {

    private static final Logger LOG = LoggerFactory.getLogger("postern.master");

    /** How long a restart waits for a listener's address to be released by the listener it replaces. */
    private static final Duration RESTART_BIND_RETRY = Duration.ofSeconds(5);

    /** Zero at start (an address in use is another program's: fail at once), RESTART_BIND_RETRY during a restart. */
    private Duration bindRetry = Duration.ZERO;
    private static final long STOP_GRACE_SECONDS = 10;

    @Reference
    PosternConfiguration configuration;

    @Reference
    QueueStore queue;

    @Reference
    DictRegistry dicts;

    @Reference
    DnsResolver dns;

    /** ETRN flushes through it; absent (a stopped queue manager), ETRN answers 458. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile QueueManagerComponent qmgr;

    /** The milter client (postern-milter); absent, smtpd_milters get milter_default_action. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile org.postern.api.milter.MilterService milter;

    /** The milter client now (null when none is installed): non_smtpd_milters of local submissions ask it. */
    public org.postern.api.milter.MilterService milterService() {
        return milter;
    }

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ExecutorService checks;
    private final Anvil anvil = new Anvil();
    private final List<SmtpServer> running = new ArrayList<>();

    @Activate
    void activate() {
        bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("postern-master-accept", true));
        workerGroup = new NioEventLoopGroup(0, new DefaultThreadFactory("postern-smtpd", true));
        // Restrictions block on table and DNS lookups: they run here, never on the event loops.
        checks = new ThreadPoolExecutor(16, 16, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory("postern-smtpd-check", true));
        startAll();
    }

    @Deactivate
    void deactivate() {
        stopAll();
        checks.shutdown();
        workerGroup.shutdownGracefully(0, STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops the listeners and starts them again from the running configuration (after a reload). */
    public synchronized void restart() {
        stopAll();
        bindRetry = RESTART_BIND_RETRY;
        try {
            startAll();
        } finally {
            bindRetry = Duration.ZERO;
        }
    }

    /** The bound addresses, as "service address:port" (for postfix status and tests). */
    public synchronized List<String> listeners() {
        List<String> list = new ArrayList<>();
        for (SmtpServer s : running) {
            InetSocketAddress a = s.localAddress();
            list.add(a.getAddress().getHostAddress() + ":" + a.getPort());
        }
        return list;
    }

    private synchronized void startAll() {
        LoadedConfig loaded = configuration.current().map(PosternConfiguration.Loaded::config).orElse(null);
        if (loaded == null || loaded.master().isEmpty()) {
            LOG.warn("warning: no usable main.cf/master.cf; no listeners started");
            return;
        }
        MilterConfig.warnUnsupported(loaded.main(), LOG::warn);
        Path tlsDirectory = configuration.environment().dataDirectory().resolve("tls");
        for (MasterService service : loaded.master().get().services()) {
            if ("inet".equals(service.type()) && "smtpd".equals(service.command())) {
                start(service, loaded.main(), tlsDirectory);
            }
        }
    }

    private void start(MasterService service, PostfixConfig main, Path tlsDirectory) {
        String where = service.file() + ", line " + service.line() + ": " + service.service() + "/inet";
        try {
            PostfixConfig config = main.withOverrides(service.overrideEntries());
            RestrictionChecks restrictions = RestrictionChecks.create(config, dicts, dns);
            // smtpd -> cleanup (this service's header checks, rewriting, bcc) -> the durable queue.
            QueueStore cleanup = CleanupQueueStore.create(queue, config, dicts);
            for (InetSocketAddress address : ListenAddresses.of(service.service(),
                    config.list("inet_interfaces"), config.get("inet_protocols"))) {
                SmtpServer server = new SmtpServer(service.service(), address, config, restrictions, cleanup,
                        tlsDirectory, bossGroup, workerGroup, checks, anvil, dns).siteFlush(this::flushSite)
                        .milterService(() -> milter).processLimit(service.processLimit(config));
                List<String> sniMaps = config.list("tls_server_sni_maps");
                if (!sniMaps.isEmpty()) {
                    server.sni(new SniTable(AddressMaps.openAll(sniMaps, dicts)));
                }
                try {
                    InetSocketAddress bound = server.start(bindRetry);
                    running.add(server);
                    LOG.info("{}: listening on {}:{}", service.service(), bound.getAddress().getHostAddress(),
                            bound.getPort());
                } catch (Exception e) {
                    server.stop();
                    LOG.error("fatal: {}: bind {}: {}", where, address, e.toString());
                }
            }
        } catch (ConfigException | IllegalArgumentException e) {
            LOG.error("fatal: {}: {}; service not started", where, e.getMessage());
        }
    }

    private void flushSite(String domain) {
        QueueManagerComponent manager = qmgr;
        if (manager == null) {
            throw new IllegalStateException("queue manager not running");
        }
        manager.flushSite(domain);
    }

    private void stopAll() {
        for (SmtpServer server : running) {
            server.stop(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        }
        running.clear();
    }
}
