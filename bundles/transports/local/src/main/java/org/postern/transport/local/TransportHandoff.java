// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.List;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.TransportDispatcher;
import org.postern.api.support.LogText;
import org.postern.transport.local.LocalDelivery.Target;
import org.postern.transport.delivery.DeliveryStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   mailbox_transport and fallback_transport: one recipient handed to another
 *           master.cf service ("lmtp:unix:private/dovecot-lmtp") through the
 *           {@link TransportDispatcher}, and that service's result taken as the recipient's.
 * DESCRIPTION
 *   The value is transport:nexthop, split at the first colon; an empty nexthop is the local
 *   request's nexthop, as Postfix's deliver_pass(). The recipient goes alone, with the
 *   message as queued. Without a dispatcher (core not running) the recipient is deferred
 *   ("mail transport unavailable"); an empty transport name is a configuration error
 *   (deferred, where Postfix stops with a fatal error).
 *   The target's relay (e.g. "private/dovecot-lmtp") is kept for the delivery log: see
 *   {@link #relay(DeliveryStatus, String)}.
 * SECURITY  The value is the administrator's (main.cf or a table); the recipient is passed
 *   on as given, never put into a command.
 */
final class TransportHandoff {

    private static final Logger LOG = LoggerFactory.getLogger("postern.local");

    private final TransportDispatcher dispatcher;
    private final DeliveryRequest request;
    private DeliveryStatus lastStatus;
    private String lastRelay;

    /** @param dispatcher the dispatcher, or null when none is registered */
    TransportHandoff(TransportDispatcher dispatcher, DeliveryRequest request) {
        this.dispatcher = dispatcher;
        this.request = request;
    }

    /**
     * @param service   transport:nexthop
     * @param parameter where {@code service} came from, for the log
     */
    DeliveryStatus deliver(Target target, String service, String parameter) {
        int colon = service.indexOf(':');
        String transport = colon < 0 ? service : service.substring(0, colon);
        String nexthop = colon < 0 ? "" : service.substring(colon + 1);
        if (transport.isEmpty()) {
            LOG.warn("{}: {}: missing transport name in \"{}\"", request.queueId(), parameter, LogText.printable(service));
            return DeliveryStatus.deferred("4.3.5", "mail system configuration error");
        }
        if (dispatcher == null) {
            return DeliveryStatus.deferred("4.3.0", "mail transport unavailable");
        }
        String hop = nexthop.isEmpty() ? request.nexthop() : nexthop;
        DeliveryRequest one = new DeliveryRequest(request.queueId(), request.service(), hop, request.sender(),
                List.of(target.recipient()), request.content(), request.facts(), request.arguments(),
                request.settings());
        RecipientResult result;
        try {
            result = dispatcher.deliver(transport, hop, one).results().stream()
                    .filter(r -> r.recipient().equals(target.recipient())).findFirst().orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("{}: {} {}: {}", request.queueId(), parameter, LogText.printable(transport),
                    LogText.printable(e.toString()));
            result = null;
        }
        if (result == null) {
            return DeliveryStatus.deferred("4.3.0", "mail transport unavailable");
        }
        DeliveryStatus status = new DeliveryStatus(result.outcome(), result.dsnStatus(), result.diagnostic());
        lastStatus = status;
        lastRelay = result.relay();
        return status;
    }

    /** The target's relay when {@code status} is the last handoff's result, else {@code local}. */
    String relay(DeliveryStatus status, String local) {
        return status == lastStatus && lastRelay != null ? lastRelay : local;
    }
}
