// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.util.List;
import java.util.Map;

/**
 * One message for N recipients at one nexthop.
 *
 * @param queueId    the queue ID, for logging
 * @param service    the master.cf service name (e.g. {@code relay}), which selects {@code -o} overrides
 * @param nexthop    the nexthop from trivial-rewrite (e.g. {@code [mx.example.com]:25}); may be empty
 * @param sender     envelope sender; empty for the null sender {@code <>}
 * @param recipients the recipients, in queue order
 * @param content    the message as queued (headers and body)
 * @param attributes DSN envid/ret, client attributes and other per-message facts, by name
 */
public record DeliveryRequest(String queueId, String service, String nexthop, String sender,
                              List<Recipient> recipients, MessageContent content,
                              Map<String, String> attributes) {
    public DeliveryRequest {
        recipients = List.copyOf(recipients);
        attributes = Map.copyOf(attributes);
    }
}
