// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.function.Supplier;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SUMMARY   What an smtp or lmtp agent owns for its lifetime: the watchdog thread, the TLS
 *           contexts and the connection cache; runs one {@link DeliveryAttempt} per request.
 * DESCRIPTION
 *   Thread-safe: the queue manager calls {@link #deliver} from several threads at once.
 *   An unexpected exception defers every recipient (4.3.0) instead of escaping.
 */
final class SmtpClient implements AutoCloseable {

    private final Protocol protocol;
    private final Supplier<DnsResolver> dns;
    private final Supplier<DictRegistry> registry;
    private final Logger log;
    private final Watchdog watchdog;
    private final ConnectionCache cache;
    private final TlsContexts tls = new TlsContexts();

    SmtpClient(Protocol protocol, Supplier<DnsResolver> dns, Supplier<DictRegistry> registry) {
        this.protocol = protocol;
        this.dns = dns;
        this.registry = registry;
        this.log = LoggerFactory.getLogger("postern." + protocol.agentName());
        this.watchdog = new Watchdog(protocol.agentName());
        this.cache = new ConnectionCache(watchdog);
    }

    DeliveryResult deliver(DeliveryRequest request) {
        MDC.put("postern.service", request.service());
        MDC.put("postern.queue_id", request.queueId());
        try {
            return new DeliveryAttempt(this, request).run();
        } catch (RuntimeException e) {
            log.error("{}: internal error in the {} client", request.queueId(), protocol.agentName(), e);
            return new DeliveryResult(request.recipients().stream().distinct()
                    .map(r -> new RecipientResult(r, RecipientResult.Outcome.DEFERRED, "4.3.0",
                            "mail system error in the " + protocol.agentName() + " client", "none"))
                    .toList());
        } finally {
            MDC.remove("postern.service");
            MDC.remove("postern.queue_id");
        }
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

    Watchdog watchdog() {
        return watchdog;
    }

    ConnectionCache cache() {
        return cache;
    }

    TlsContexts tls() {
        return tls;
    }

    @Override
    public void close() {
        cache.close();
        watchdog.close();
    }
}
