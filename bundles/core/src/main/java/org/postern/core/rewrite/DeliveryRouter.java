// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.rewrite.AddressResolver.AddressClass;
import org.postern.core.rewrite.AddressResolver.Resolved;

/**
 * SUMMARY   trivial-rewrite's resolve for delivery: recipient (and sender) to transport and nexthop.
 * DESCRIPTION
 *   The address class and transport come from {@link AddressResolver} (mydestination, virtual
 *   and relay domains, transport_maps, default_transport_maps, the class transports), so smtpd
 *   and the queue manager route alike. Then, as Postfix does:
 *   default class without a transport_maps or default_transport_maps answer:
 *   sender_dependent_default_transport_maps (by sender, then "@domain", then "<>" for the null
 *   sender) replaces default_transport; an empty nexthop becomes, for the default and relay
 *   classes, sender_dependent_relayhost_maps, else relayhost, else the recipient domain; for
 *   the local class $myhostname; for the virtual class the recipient domain. A transport_maps
 *   answer with an empty nexthop keeps the recipient domain (transport(5)).
 *   The queue manager routes with it, and smtpd tells the milters with it where the sender
 *   and each recipient go ({mail_mailer}, {rcpt_host} ...), as Postfix's smtpd asks trivial-rewrite.
 * SECURITY  Addresses come from the network; tables from main.cf.
 * SEE ALSO  Postfix trivial-rewrite(8), transport(5), postconf(5) relayhost.
 */
public final class DeliveryRouter {

    /** Where an address goes: the master.cf transport and its nexthop ("smtp", "example.com"). */
    public record Channel(String transport, String nexthop) {
    }

    private final AddressResolver resolver;
    private final String myhostname;
    private final String relayhost;
    private final List<Dict> senderRelayhostMaps;
    private final List<Dict> senderTransportMaps;
    private final String defaultTransport;

    public DeliveryRouter(PostfixConfig config, DictRegistry dicts) throws ConfigException {
        this(config, dicts, AddressResolver.create(config, dicts,
                AddressResolver.ownAddresses(config.list("inet_interfaces"), config.list("proxy_interfaces"))));
    }

    /** A router on an address resolver already made from {@code config}. */
    public DeliveryRouter(PostfixConfig config, DictRegistry dicts, AddressResolver resolver) {
        this.resolver = resolver;
        this.myhostname = config.get("myhostname");
        this.relayhost = config.get("relayhost").strip();
        this.senderRelayhostMaps = open(config.list("sender_dependent_relayhost_maps"), dicts);
        this.senderTransportMaps = open(config.list("sender_dependent_default_transport_maps"), dicts);
        this.defaultTransport = config.find("default_transport").orElse("smtp");
    }

    private static List<Dict> open(List<String> specs, DictRegistry dicts) {
        return specs.stream().map(spec -> dicts.open(spec, Set.of(DictFlag.FOLD_CASE))).toList();
    }

    /** The route of {@code recipient} for a message from {@code sender} ("" = null sender). */
    public Channel route(String recipient, String sender) throws LookupFailure {
        Resolved r = resolver.resolve(recipient);
        String transport = r.transport();
        String nexthop = r.nexthop();
        boolean defaultRoute = r.addressClass() == AddressClass.DEFAULT && !r.viaTransportMaps();
        if (defaultRoute && transport.equals(transportOf(defaultTransport)) && !senderTransportMaps.isEmpty()) {
            String bySender = bySender(senderTransportMaps, sender);
            if (bySender != null) {
                int colon = bySender.indexOf(':');
                transport = colon < 0 ? bySender : bySender.substring(0, colon);
                nexthop = colon < 0 ? "" : bySender.substring(colon + 1);
            }
        }
        if (nexthop.isEmpty()) {
            nexthop = defaultNexthop(r, sender);
        }
        return new Channel(transport.strip(), nexthop.strip());
    }

    private String defaultNexthop(Resolved r, String sender) throws LookupFailure {
        switch (r.addressClass()) {
            case LOCAL:
                return myhostname;
            case RELAY:
            case DEFAULT:
                if (r.viaTransportMaps()) {
                    return r.domain();
                }
                String bySender = bySender(senderRelayhostMaps, sender);
                if (bySender != null && !bySender.isBlank()) {
                    return bySender;
                }
                return relayhost.isEmpty() ? r.domain() : relayhost;
            default:
                return r.domain();
        }
    }

    private static String transportOf(String channel) {
        int colon = channel.indexOf(':');
        return (colon < 0 ? channel : channel.substring(0, colon)).strip();
    }

    /** sender_dependent_* lookups: the address, then "@domain"; "<>" for the null sender. */
    private static String bySender(List<Dict> maps, String sender) throws LookupFailure {
        if (maps.isEmpty()) {
            return null;
        }
        List<String> keys;
        if (sender.isEmpty()) {
            keys = List.of("<>");
        } else {
            int at = sender.lastIndexOf('@');
            keys = at < 0 ? List.of(sender) : List.of(sender, sender.substring(at).toLowerCase(Locale.ROOT));
        }
        for (String key : keys) {
            for (Dict d : maps) {
                LookupResult result = d.lookup(key);
                if (result instanceof LookupResult.Found f) {
                    return f.value().strip();
                }
                if (result.isFailure()) {
                    throw new LookupFailure(result instanceof LookupResult.TemporaryFailure,
                            d.spec() + ": lookup of " + key + " failed");
                }
            }
        }
        return null;
    }
}
