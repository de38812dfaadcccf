// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.util.List;
import java.util.Objects;

import org.postern.api.message.MessageFacts;

/**
 * One message for N recipients at one nexthop.
 *
 * @param queueId    the queue ID, for logging
 * @param service    the master.cf service name (e.g. {@code relay}), which selects {@code -o} overrides
 * @param nexthop    the nexthop from trivial-rewrite (e.g. {@code [mx.example.com]:25}); may be empty
 * @param sender     envelope sender; empty for the null sender {@code <>}
 * @param recipients the recipients, in queue order
 * @param content    the message as queued (headers and body)
 * @param facts      what is known about the message: arrival, DSN parameters, BODY=, SMTPUTF8,
 *                   Message-ID, the SMTP client and its SASL login
 * @param arguments  the master.cf command arguments after the agent name, without the
 *                   {@code -o} options core applied (pipe: {@code flags=DRhu user=vmail argv=...})
 * @param settings   main.cf as this service sees it (-o overrides applied)
 */
public record DeliveryRequest(String queueId, String service, String nexthop, String sender,
                              List<Recipient> recipients, MessageContent content,
                              MessageFacts facts, List<String> arguments, ServiceSettings settings) {
    public DeliveryRequest {
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(facts, "facts");
        arguments = List.copyOf(arguments);
    }
}
