// SPDX-License-Identifier: Apache-2.0
package org.postern.core.rewrite;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;
import org.postern.core.access.AccessKeys;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.net.HostNames;

/**
 * SUMMARY   The part of trivial-rewrite address resolution that smtpd restrictions need: the
 *           address class (local, virtual alias, virtual mailbox, relay, default), source
 *           routing, and the transport an address resolves to.
 * DESCRIPTION
 *   An address without "@" gets "@$myorigin". A trailing dot of the domain is dropped and the
 *   domain is lower-cased. The class is, in this order: local ($mydestination, or an address
 *   literal of this host: inet_interfaces/proxy_interfaces, all interface addresses when
 *   inet_interfaces = all), virtual alias ($virtual_alias_domains), virtual mailbox
 *   ($virtual_mailbox_domains), relay ($relay_domains), default. A local address whose local
 *   part holds "@", "%" or "!" is source-routed: the inner address is resolved instead and the
 *   result is marked routed (Postfix RESOLVE_FLAG_ROUTED).
 *   The transport is the class's default (local_transport, "error:5.1.1 User unknown in virtual
 *   alias table", virtual_transport, relay_transport, default_transport_maps then
 *   default_transport), overridden by transport_maps (user+ext@domain, user@domain, domain,
 *   parent domains, "*"; partial keys only for tables of fixed strings).
 * SECURITY  Addresses come from the network; tables and lists from main.cf.
 * BUGS      Not the real trivial-rewrite: no canonical or virtual alias rewriting, no
 *           sender_dependent_*_transport_maps, no relayhost, no swap_bangpath/allow_percent_hack
 *           switches (both behave as "yes"). The resolver of the receive path should replace it.
 * SEE ALSO  Postfix trivial-rewrite(8), ADDRESS_CLASS_README, transport(5).
 */
public final class AddressResolver {

    public enum AddressClass { LOCAL, ALIAS, VIRTUAL, RELAY, DEFAULT }

    /** The outcome: canonical address, its parts, class, transport and nexthop. */
    public record Resolved(String address, String localPart, String domain, AddressClass addressClass, boolean routed,
                    String transport, String nexthop, boolean viaTransportMaps) {
        public boolean isFinal() {
            return addressClass == AddressClass.LOCAL || addressClass == AddressClass.ALIAS
                    || addressClass == AddressClass.VIRTUAL;
        }
    }

    private final String myorigin;
    private final HostList mydestination;
    private final HostList virtualAliasDomains;
    private final HostList virtualMailboxDomains;
    private final HostList relayDomains;
    private final Set<String> ownAddresses;
    private final List<Dict> transportMaps;
    private final List<Dict> defaultTransportMaps;
    private final boolean transportParentStyle;
    private final String recipientDelimiter;
    private final String localTransport;
    private final String virtualTransport;
    private final String relayTransport;
    private final String defaultTransport;

    AddressResolver(String myorigin, HostList mydestination, HostList virtualAliasDomains,
            HostList virtualMailboxDomains, HostList relayDomains, Set<String> ownAddresses,
            List<Dict> transportMaps, List<Dict> defaultTransportMaps, boolean transportParentStyle,
            String recipientDelimiter, String localTransport, String virtualTransport, String relayTransport,
            String defaultTransport) {
        this.myorigin = myorigin;
        this.mydestination = mydestination;
        this.virtualAliasDomains = virtualAliasDomains;
        this.virtualMailboxDomains = virtualMailboxDomains;
        this.relayDomains = relayDomains;
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.transportMaps = List.copyOf(transportMaps);
        this.defaultTransportMaps = List.copyOf(defaultTransportMaps);
        this.transportParentStyle = transportParentStyle;
        this.recipientDelimiter = recipientDelimiter;
        this.localTransport = localTransport;
        this.virtualTransport = virtualTransport;
        this.relayTransport = relayTransport;
        this.defaultTransport = defaultTransport;
    }

    /**
     * The addresses of this host for address literals: the explicit inet_interfaces and
     * proxy_interfaces addresses, or every interface address with "all".
     */
    public static Set<String> ownAddresses(List<String> inetInterfaces, List<String> proxyInterfaces) {
        Set<String> out = new HashSet<>();
        List<String> all = new ArrayList<>(inetInterfaces);
        all.addAll(proxyInterfaces);
        for (String i : all) {
            String t = i.toLowerCase(Locale.ROOT);
            if (t.equals("all")) {
                try {
                    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                            out.add(IpAddresses.format(a.getAddress()));
                        }
                    }
                } catch (SocketException | RuntimeException e) {
                    // no interfaces known: loopback below
                }
                out.add("127.0.0.1");
                out.add("::1");
            } else if (t.equals("loopback-only") || t.equals("localhost")) {
                out.add("127.0.0.1");
                out.add("::1");
            } else {
                String a = t.startsWith("[") && t.endsWith("]") ? t.substring(1, t.length() - 1) : t;
                byte[] b = IpAddresses.parse(a);
                if (b != null) {
                    out.add(IpAddresses.format(b));
                }
            }
        }
        return out;
    }

    /** Postfix resolve_local(): the domain is this host's. */
    boolean isLocalDomain(String domain) throws LookupFailure {
        String d = HostNames.truncateDot(domain).toLowerCase(Locale.ROOT);
        if (d.startsWith("[") && d.endsWith("]")) {
            String inner = d.substring(1, d.length() - 1);
            if (inner.startsWith("ipv6:")) {
                inner = inner.substring(5);
            }
            try {
                return ownAddresses.contains(AccessKeys.canonicalAddress(inner));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return mydestination.matches(d, null);
    }

    /**
     * The resolver main.cf describes (mydestination, the virtual and relay domain lists,
     * transport_maps, default_transport_maps and the class transports).
     *
     * @param ownAddresses this host's addresses (see {@link #ownAddresses})
     */
    public static AddressResolver create(PostfixConfig config, DictRegistry dicts, Set<String> ownAddresses)
            throws ConfigException {
        List<String> parentStyle = list(config, "parent_domain_matches_subdomains");
        String myorigin = config.get("myorigin");
        return new AddressResolver(myorigin.isEmpty() ? config.get("myhostname") : myorigin,
                domains(config, "mydestination", dicts, parentStyle),
                domains(config, "virtual_alias_domains", dicts, parentStyle),
                domains(config, "virtual_mailbox_domains", dicts, parentStyle),
                domains(config, "relay_domains", dicts, parentStyle),
                ownAddresses,
                AddressMaps.openAll(list(config, "transport_maps"), dicts),
                AddressMaps.openAll(list(config, "default_transport_maps"), dicts),
                parentStyle.contains("transport_maps"), config.get("recipient_delimiter"),
                config.find("local_transport").orElse("local"), config.find("virtual_transport").orElse("virtual"),
                config.find("relay_transport").orElse("relay"), config.find("default_transport").orElse("smtp"));
    }

    private static HostList domains(PostfixConfig config, String parameter, DictRegistry dicts, List<String> parentStyle)
            throws ConfigException {
        return HostList.parse(parameter, list(config, parameter), dicts, parentStyle.contains(parameter), false);
    }

    private static List<String> list(PostfixConfig config, String parameter) throws ConfigException {
        try {
            return config.list(parameter);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * Resolves one address.
     *
     * @throws LookupFailure when transport_maps cannot answer (the caller defers)
     */
    public Resolved resolve(String address) throws LookupFailure {
        return resolve(address, false, 0);
    }

    private Resolved resolve(String address, boolean routed, int depth) throws LookupFailure {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? myorigin : address.substring(at + 1);
        domain = HostNames.truncateDot(domain).toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) {
            domain = myorigin.toLowerCase(Locale.ROOT);
        }
        AddressClass cls;
        if (isLocalDomain(domain)) {
            String inner = innerRoute(local);
            if (inner != null && depth < 10) {
                return resolve(inner, true, depth + 1);
            }
            cls = AddressClass.LOCAL;
        } else if (virtualAliasDomains.matches(domain, null)) {
            cls = AddressClass.ALIAS;
        } else if (virtualMailboxDomains.matches(domain, null)) {
            cls = AddressClass.VIRTUAL;
        } else if (relayDomains.matches(domain, null)) {
            cls = AddressClass.RELAY;
        } else {
            cls = AddressClass.DEFAULT;
        }
        String canonical = local + "@" + domain;
        String channel;
        boolean viaMaps = false;
        switch (cls) {
            case LOCAL: channel = localTransport; break;
            case ALIAS: channel = "error:5.1.1 User unknown in virtual alias table"; break;
            case VIRTUAL: channel = virtualTransport; break;
            case RELAY: channel = relayTransport; break;
            default:
                String viaMap = transportLookup(defaultTransportMaps, canonical, local, domain);
                channel = viaMap != null ? merge(defaultTransport, viaMap) : defaultTransport;
                viaMaps = viaMap != null;
                break;
        }
        if (cls != AddressClass.ALIAS) {
            String override = transportLookup(transportMaps, canonical, local, domain);
            if (override != null) {
                channel = merge(channel, override);
                viaMaps = true;
            }
        }
        int colon = channel.indexOf(':');
        String transport = colon < 0 ? channel : channel.substring(0, colon);
        String nexthop = colon < 0 ? "" : channel.substring(colon + 1);
        return new Resolved(canonical, local, domain, cls, routed, transport.strip(), nexthop.strip(), viaMaps);
    }

    /** A transport_maps result "transport:nexthop" with empty parts filled from {@code base}. */
    private static String merge(String base, String override) {
        int bc = base.indexOf(':');
        String bt = bc < 0 ? base : base.substring(0, bc);
        String bn = bc < 0 ? "" : base.substring(bc + 1);
        int oc = override.indexOf(':');
        String ot = oc < 0 ? override : override.substring(0, oc);
        String on = oc < 0 ? "" : override.substring(oc + 1);
        return (ot.isBlank() ? bt : ot) + ":" + (on.isBlank() ? bn : on);
    }

    /**
     * Whether a local-domain address routes to nothing: "user%@domain" or "!user@domain", which
     * Postfix's percent hack and bang-path swap turn into an address without a domain, refused as
     * bad syntax.
     */
    public boolean emptyRoute(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = HostNames.truncateDot(address.substring(at + 1)).toLowerCase(Locale.ROOT);
        try {
            return (local.endsWith("%") || local.startsWith("!")) && !local.contains("@") && isLocalDomain(domain);
        } catch (LookupFailure f) {
            return false; // the recipient checks that follow meet the same failure and defer
        }
    }

    /** "user%host", "user@host" (quoted), "host!user": the routed address, or null. */
    private static String innerRoute(String local) {
        int at = local.lastIndexOf('@');
        if (at > 0 && at < local.length() - 1) {
            return local;
        }
        int pct = local.lastIndexOf('%');
        if (pct >= 0 && pct < local.length() - 1) { // "%host" too: Postfix makes it "@host"
            return local.substring(0, pct) + "@" + local.substring(pct + 1);
        }
        int bang = local.indexOf('!');
        if (bang > 0 && bang < local.length() - 1) {
            return local.substring(bang + 1) + "@" + local.substring(0, bang);
        }
        return null;
    }

    private String transportLookup(List<Dict> maps, String address, String local, String domain)
            throws LookupFailure {
        if (maps.isEmpty()) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        keys.add(address);
        String bare = AccessKeysBridge.stripExtension(local, recipientDelimiter);
        if (bare != null) {
            keys.add(bare + "@" + domain);
        }
        List<String> partial = new ArrayList<>(AccessKeys.forHostName(domain, transportParentStyle));
        partial.add("*");
        for (int k = 0; k < keys.size() + partial.size(); k++) {
            boolean isPartial = k > 0;
            String key = k < keys.size() ? keys.get(k) : partial.get(k - keys.size());
            for (Dict d : maps) {
                if (isPartial && !AccessKeys.partialKeysAllowed(d.flags())) {
                    continue;
                }
                LookupResult r = d.lookup(key);
                if (r instanceof LookupResult.Found f) {
                    return f.value().strip();
                }
                if (r instanceof LookupResult.TemporaryFailure t) {
                    throw new LookupFailure(true, d.spec() + ": " + t.reason());
                }
                if (r instanceof LookupResult.ConfigurationError c) {
                    throw new LookupFailure(false, d.spec() + ": " + c.reason());
                }
            }
        }
        return null;
    }
}
