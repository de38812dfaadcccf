// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.IpAddresses;

/**
 * SUMMARY   Whether a domain is this machine's (Postfix resolve_local): listed in
 *           $mydestination, or an address literal of $inet_interfaces / $proxy_interfaces.
 * DESCRIPTION
 *   mydestination entries are host names (case-insensitive), ".domain" for subdomains,
 *   and type:name tables whose key is the domain. "[addr]" literals match addresses
 *   listed in inet_interfaces or proxy_interfaces; with inet_interfaces = all, addresses
 *   of this machine's interfaces; loopback-only, loopback addresses.
 * SECURITY  Domains come from message headers; a literal is parsed without DNS.
 * BUGS      /file/name entries in mydestination are ignored; a failing mydestination table
 *   counts as "not local" (the user-only key is then skipped, not deferred).
 */
final class LocalDomains {

    private final List<String> destinations;
    private final List<String> interfaces;
    private final Supplier<DictRegistry> registry;

    private LocalDomains(List<String> destinations, List<String> interfaces, Supplier<DictRegistry> registry) {
        this.destinations = destinations;
        this.interfaces = interfaces;
        this.registry = registry;
    }

    static LocalDomains of(ServiceSettings s, Supplier<DictRegistry> registry) {
        List<String> interfaces = new ArrayList<>(s.list("inet_interfaces"));
        interfaces.addAll(s.list("proxy_interfaces"));
        return new LocalDomains(s.list("mydestination"), interfaces, registry);
    }

    boolean isLocal(String domain) {
        if (domain.isEmpty()) {
            return false;
        }
        if (domain.startsWith("[") && domain.endsWith("]")) {
            return isLocalAddress(domain.substring(1, domain.length() - 1));
        }
        String d = domain.toLowerCase(Locale.ROOT);
        for (String entry : destinations) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.indexOf(':') > 0) {
                DictRegistry dicts = registry.get();
                if (dicts != null && dicts.open(entry, Set.of(DictFlag.FOLD_CASE)).lookup(d) instanceof LookupResult.Found) {
                    return true;
                }
            } else if (e.startsWith(".") ? d.endsWith(e) : d.equals(e)) {
                return true;
            }
        }
        return false;
    }

    private boolean isLocalAddress(String literal) {
        String text = literal.regionMatches(true, 0, "IPv6:", 0, 5) ? literal.substring(5) : literal;
        byte[] bytes = IpAddresses.parse(text);
        if (bytes == null) {
            return false;
        }
        for (String entry : interfaces) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.equals("all") && isInterfaceAddress(bytes)) {
                return true;
            }
            if (e.equals("loopback-only") && isLoopback(bytes)) {
                return true;
            }
            byte[] configured = IpAddresses.parse(e.startsWith("[") && e.endsWith("]") ? e.substring(1, e.length() - 1) : e);
            if (configured != null && Arrays.equals(configured, bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopback(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isInterfaceAddress(byte[] bytes) {
        try {
            InetAddress a = InetAddress.getByAddress(bytes);
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }
}
