// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.Locale;

import org.postern.core.rewrite.DeliveryRouter;

/**
 * Where one recipient goes: the master.cf transport (service name) and its nexthop, e.g.
 * {@code smtp} and {@code example.com}, {@code relay} and {@code [mail.isp.example]:587},
 * {@code error} and {@code 5.1.1 User unknown}. Recipients with equal routes share deliveries.
 */
record Route(String transport, String nexthop) {

    static Route of(DeliveryRouter.Channel channel) {
        return new Route(channel.transport(), channel.nexthop());
    }

    /**
     * The queue (Postfix's qmgr queue name) one recipient of this route waits in when the
     * transport's destination_recipient_limit is 1: "localpart@nexthop", lower case, without
     * the address extension. Concurrency, rate delay and dead-site detection then count per
     * recipient, not per domain (postconf(5), default_destination_recipient_limit): a user whose
     * mailbox is locked holds up that user's mail only. The error and retry transports keep
     * one queue per nexthop, as in Postfix.
     *
     * @param delimiters recipient_delimiter: the first of these characters in the local part
     *                   starts the extension
     */
    Route perRecipient(String recipient, String delimiters) {
        if (transport.equals("error") || transport.equals("retry")) {
            return this;
        }
        int at = recipient.lastIndexOf('@');
        String local = at < 0 ? recipient : recipient.substring(0, at);
        for (int i = 1; i < local.length(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                local = local.substring(0, i);
                break;
            }
        }
        return new Route(transport, (local + "@" + nexthop).toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return transport + ":" + nexthop;
    }
}
