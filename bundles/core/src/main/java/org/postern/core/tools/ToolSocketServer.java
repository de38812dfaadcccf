// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.dict.DictRegistry;
import org.postern.api.tls.TlsFinger;
import org.postern.api.tls.TlsReporting;
import org.postern.core.dict.DictInventory;
import org.postern.core.master.MasterServices;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.queue.QueueStore;
import org.postern.core.runtime.PosternConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The local tool socket: bin/sendmail, mailq, postqueue, postsuper, postconf, postmap,
 *           postcat and postfix talk to the running Postern here, without any Karaf login.
 * DESCRIPTION
 *   A UNIX-domain socket at {@code ${karaf.data}/postern/public/tools} (directory 0755, socket
 *   0666: every local user may connect, as to Postfix's public/ services). Each connection is
 *   one tool run ({@link ToolFrames}); the caller's identity is the kernel's answer to
 *   SO_PEERCRED, never something the client says, and decides what the tool allows
 *   ({@link CallerAuthority}). Each connection gets a thread of its own, at most
 *   {@value #MAX_CONNECTIONS} at once; a request must arrive within
 *   {@value #REQUEST_TIMEOUT_SECONDS} s.
 * SECURITY  Every byte from the socket is untrusted local input. The socket answers only what
 *   the tool would answer that user; administrative tools check {@link Caller#admin()}.
 * BUGS      A local user may hold up to {@value #MAX_CONNECTIONS} connections open after
 *   the request (a sendmail that never ends its input), keeping others out until they end.
 *   A socket path longer than 100 bytes is bound and reached through a short-lived link
 *   ({@link LongSocketPaths}).
 */
@Component(service = ToolSocketServer.class, immediate = true)
public final class ToolSocketServer {

    static final int MAX_CONNECTIONS = 64;
    static final int REQUEST_TIMEOUT_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger("postern.master");

    private final PosternConfiguration configuration;
    private final ToolRunner runner;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "postern-tool-" + threadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "postern-tool-timer");
        t.setDaemon(true);
        return t;
    });
    private ServerSocketChannel server;
    private Path socket;

    /** The smtp bundle's posttls-finger service, while it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsFinger tlsFinger;

    /** The TLSRPT bundle's service, while it is there. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsReporting tlsReporting;

    @Activate
    public ToolSocketServer(@Reference PosternConfiguration configuration, @Reference QueueStore queue,
                            @Reference QueueManagerComponent qmgr, @Reference DictRegistry tables,
                            @Reference DictInventory inventory, @Reference MasterServices master) {
        this.configuration = configuration;
        ToolContext context = new ToolContext(configuration, tables, master::milterService);
        this.runner = new ToolRunner(context, new QueueTools(queue, qmgr, context),
                new AdminTools(queue, qmgr, configuration, inventory, master), queue,
                new SmtpOnStandardInput(master::listeners), CallerAuthority.forThisProcess(),
                call -> TlsFingerTool.run(Optional.ofNullable(tlsFinger), configuration, call.args(), call.out(),
                        call.err()),
                call -> TlsReportTool.run(Optional.ofNullable(tlsReporting), call.tool(), call.args(),
                        call.caller().admin(), call.out(), call.err()));
        start();
    }

    private void start() {
        socket = ToolFrames.socketPath(configuration.environment().dataDirectory());
        try {
            Path dir = socket.getParent();
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.deleteIfExists(socket);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            LongSocketPaths.bind(server, socket);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException | RuntimeException e) {
            LOG.error("fatal: cannot listen on the tool socket {}: {}; bin/sendmail, mailq and the other tools"
                    + " cannot reach this instance", socket, e.toString());
            return;
        }
        Thread acceptor = new Thread(this::acceptLoop, "postern-tool-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("tools listen on {}", socket);
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("warning: tool socket accept: {}", e.toString());
                continue;
            }
            if (!slots.tryAcquire()) {
                LOG.warn("warning: tool socket: {} connections busy; connection refused", MAX_CONNECTIONS);
                closeQuietly(channel);
                continue;
            }
            workers.execute(() -> {
                try {
                    runner.serve(channel, timer, REQUEST_TIMEOUT_SECONDS);
                } finally {
                    closeQuietly(channel);
                    slots.release();
                }
            });
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            closeQuietly(server);
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warn("warning: cannot remove {}: {}", socket, e.toString());
            }
        }
        timer.shutdownNow();
        workers.shutdown();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }
}
