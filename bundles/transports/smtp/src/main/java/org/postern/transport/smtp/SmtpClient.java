// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;
import org.postern.transport.smtp.sts.MtaSts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SUMMARY   What an smtp or lmtp agent owns for its lifetime: the watchdog thread, the TLS
 *           contexts and the connection cache; runs one {@link DeliveryAttempt} per request.
 * DESCRIPTION
 *   Thread-safe: the queue manager calls {@link #deliver} from several threads at once.
 *   An unexpected exception defers every recipient (4.3.0) instead of escaping.
 *   <p>{@link #close} (bundle:update, feature:uninstall) lets the deliveries already running
 *   finish, up to {@link #DRAIN_LIMIT}, before it stops the watchdog and the cache they use:
 *   cut short, they failed with an internal error, and the queue manager took that for a
 *   dead destination and deferred the mail behind them.
 */
final class SmtpClient implements AutoCloseable {

    private final Protocol protocol;
    private final Supplier<DnsResolver> dns;
    private final Supplier<DictRegistry> registry;
    private final Logger log;
    private final Watchdog watchdog;
    private final ConnectionCache cache;
    private final TlsContexts tls = new TlsContexts();
    private final TlsReports reports = new TlsReports();
    /** Null for lmtp, which never looks up MX records. */
    private final MtaSts sts;
    private final Object inFlight = new Object();
    private int running;
    private boolean closing;

    static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);

    SmtpClient(Protocol protocol, Supplier<DnsResolver> dns, Supplier<DictRegistry> registry) {
        this(protocol, dns, registry, protocol.usesMx() ? new MtaSts(dns, MtaSts.defaultDirectory(),
                LoggerFactory.getLogger("postern." + protocol.agentName())) : null);
    }

    SmtpClient(Protocol protocol, Supplier<DnsResolver> dns, Supplier<DictRegistry> registry, MtaSts sts) {
        this.protocol = protocol;
        this.sts = sts;
        this.dns = dns;
        this.registry = registry;
        this.log = LoggerFactory.getLogger("postern." + protocol.agentName());
        this.watchdog = new Watchdog(protocol.agentName());
        this.cache = new ConnectionCache(watchdog);
    }

    DeliveryResult deliver(DeliveryRequest request) {
        synchronized (inFlight) {
            if (closing) {
                return deferAll(request, "4.3.0", protocol.agentName() + " delivery agent is stopping");
            }
            running++;
        }
        try {
            return attempt(request);
        } finally {
            synchronized (inFlight) {
                running--;
                inFlight.notifyAll();
            }
        }
    }

    private DeliveryResult attempt(DeliveryRequest request) {
        MDC.put("postern.service", request.service());
        MDC.put("postern.queue_id", request.queueId());
        try {
            return new DeliveryAttempt(this, request).run();
        } catch (RuntimeException e) {
            log.error("{}: internal error in the {} client", request.queueId(), protocol.agentName(), e);
            return deferAll(request, "4.3.0", "mail system error in the " + protocol.agentName() + " client");
        } finally {
            MDC.remove("postern.service");
            MDC.remove("postern.queue_id");
        }
    }

    private static DeliveryResult deferAll(DeliveryRequest request, String status, String diagnostic) {
        return new DeliveryResult(request.recipients().stream().distinct()
                .map(r -> new RecipientResult(r, RecipientResult.Outcome.DEFERRED, status, diagnostic, "none"))
                .toList());
    }

    Protocol protocol() {
        return protocol;
    }

    DnsResolver dns() {
        return dns.get();
    }

    /** The table registry for smtp_generic_maps; null while core's service is away. */
    DictRegistry registry() {
        return registry.get();
    }

    Logger log() {
        return log;
    }

    /** The TLS report sinks (TLSRPT). */
    TlsReports reports() {
        return reports;
    }

    Watchdog watchdog() {
        return watchdog;
    }

    ConnectionCache cache() {
        return cache;
    }

    TlsContexts tls() {
        return tls;
    }


    /** MTA-STS policies; null for lmtp. */
    MtaSts sts() {
        return sts;
    }

    /** Refuses new deliveries, waits for the running ones (up to {@link #DRAIN_LIMIT}), then stops. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        synchronized (inFlight) {
            closing = true;
            while (running > 0 && System.nanoTime() < deadline) {
                try {
                    inFlight.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (running > 0) {
                log.warn("warning: stopping the {} client with {} deliveries still running", protocol.agentName(), running);
            }
        }
        cache.close();
        watchdog.close();
    }
}
