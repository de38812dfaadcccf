// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.postern.core.config.PostfixLists;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * SUMMARY   The resolver the lookups go through: dns_servers (or /etc/resolv.conf's), and with
 *           dnssec_validation = local, dnsjava's validating resolver in front of them.
 * DESCRIPTION
 *   dns_servers is Postern's own parameter (Postfix always uses the system's resolver): a list
 *   of IPv4 addresses, "[IPv6]" addresses, each with an optional ":port" (default 53). Empty
 *   means the servers of /etc/resolv.conf. With dnssec_validation = local (Postern's own) the
 *   answers are validated in this JVM from dnssec_trust_anchor_file, or from the root zone's
 *   anchors shipped in this bundle when it is empty, so that DANE works behind a resolver that
 *   does not validate. The resolver is built again when one of the values changes (postfix
 *   reload), and reused while they do not.
 * SECURITY  The values are the administrator's; host names are not resolved (an address is
 *   required, so that the name servers never depend on a lookup). A trust anchor file that
 *   cannot be read makes every lookup fail temporarily: never an unvalidated fallback.
 */
final class NameServers {

    /** The shipped root anchors (IANA's root KSKs as DS records). */
    static final String ROOT_ANCHORS = "root-anchors.txt";

    /** The servers could not be used: every lookup fails temporarily with this reason. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    private record Built(ResolverSpec spec, Resolver resolver, String error) {
    }

    private final Supplier<ResolverSpec> spec;
    private final Duration timeout;
    private volatile Built built;

    /** @param spec the settings as they are now */
    NameServers(Supplier<ResolverSpec> spec, Duration timeout) {
        this.spec = spec;
        this.timeout = timeout;
    }

    /** The settings the resolver was (or will next be) built from. */
    ResolverSpec spec() {
        ResolverSpec now = spec.get();
        return now == null ? ResolverSpec.SYSTEM : now;
    }

    Resolver resolver() throws Unusable {
        ResolverSpec now = spec();
        Built b = built;
        if (b == null || !b.spec().equals(now)) {
            b = build(now);
            built = b;
        }
        if (b.error() != null) {
            throw new Unusable(b.error());
        }
        return b.resolver();
    }

    private Built build(ResolverSpec spec) {
        Resolver head;
        try {
            head = spec.servers().isEmpty() ? new ExtendedResolver()
                    : new ExtendedResolver(servers(spec.servers()).stream().map(NameServers::simple).toArray(Resolver[]::new));
            head.setTimeout(timeout);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return new Built(spec, null, "dns_servers: " + e.getMessage());
        }
        if (!spec.localValidation()) {
            return new Built(spec, head, null);
        }
        try {
            return new Built(spec, validating(head, spec.trustAnchorFile()), null);
        } catch (IOException | RuntimeException e) {
            return new Built(spec, null, "dnssec_trust_anchor_file "
                    + (spec.trustAnchorFile().isEmpty() ? "(the shipped root anchors)" : spec.trustAnchorFile()) + ": " + e.getMessage());
        }
    }

    /** dnsjava's validator over {@code head}, trusting the anchors of {@code anchorFile} (empty: the root's). */
    static Resolver validating(Resolver head, String anchorFile) throws IOException {
        ValidatingResolver validator = new ValidatingResolver(head);
        try (InputStream anchors = anchorFile.isEmpty() ? NameServers.class.getResourceAsStream(ROOT_ANCHORS)
                : Files.newInputStream(Path.of(anchorFile))) {
            if (anchors == null) {
                throw new IOException("missing from the bundle");
            }
            validator.loadTrustAnchors(anchors);
        }
        if (validator.getTrustAnchors().items().isEmpty()) {
            throw new IOException("holds no DS or DNSKEY record");
        }
        return validator;
    }

    private static Resolver simple(InetSocketAddress address) {
        return new SimpleResolver(address);
    }

    /** "192.0.2.53", "127.0.0.1:5353", "[::1]:53" to socket addresses. */
    static List<InetSocketAddress> servers(String spec) throws UnknownHostException {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String entry : PostfixLists.split(spec)) {
            String host = entry;
            int port = 53;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("bad server \"" + entry + "\": missing ]");
                }
                host = entry.substring(1, close);
                if (close + 1 < entry.length()) {
                    port = port(entry, entry.substring(close + 1));
                }
            } else if (entry.indexOf(':') >= 0) {
                host = entry.substring(0, entry.indexOf(':'));
                port = port(entry, entry.substring(entry.indexOf(':')));
            }
            if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("bad server \"" + entry + "\": an IP address is required");
            }
            servers.add(new InetSocketAddress(InetAddress.getByName(host), port));
        }
        return servers;
    }

    private static int port(String entry, String colonPort) {
        try {
            int port = Integer.parseInt(colonPort.substring(1));
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad server \"" + entry + "\": bad port");
    }
}
