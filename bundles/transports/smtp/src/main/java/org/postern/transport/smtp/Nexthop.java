// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.nio.file.Path;
import java.util.Locale;

/**
 * SUMMARY   A parsed nexthop: where one delivery request goes.
 * DESCRIPTION
 *   smtp: "example.com" (MX lookup), "[mx.example.com]" or "[192.0.2.1]" (no MX lookup),
 *   "example.com:2525", "[host]:port", "[ipv6:2001:db8::1]". lmtp: "inet:host[:port]",
 *   "inet:[addr][:port]", "host[:port]", "unix:/path" (never MX lookups, as Postfix).
 *   An empty nexthop means the domain of the first recipient.
 * SECURITY  Comes from configuration (transport maps, relayhost) or from recipient domains.
 *
 * @param kind where the addresses come from
 * @param host domain or host name or IP address text (no brackets); empty for UNIX
 * @param port the port, or -1 for smtp_tcp_port / lmtp_tcp_port
 * @param path the UNIX-domain socket for kind UNIX
 */
record Nexthop(Kind kind, String host, int port, Path path) {

    enum Kind {
        /** MX lookup, then the addresses of each exchanger; without MX records the domain's own addresses. */
        MX_DOMAIN,
        /** The host's own addresses (or the literal address). */
        HOST,
        /** A UNIX-domain socket (lmtp). */
        UNIX
    }

    /** @throws IllegalArgumentException with Postfix-like wording when the text cannot be a destination */
    static Nexthop parse(String text, Protocol protocol) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "unix:", 0, 5)) {
            if (protocol != Protocol.LMTP || t.length() == 5) {
                throw new IllegalArgumentException("bad destination syntax: " + t);
            }
            return new Nexthop(Kind.UNIX, "", -1, Path.of(t.substring(5)));
        }
        if (t.regionMatches(true, 0, "inet:", 0, 5)) {
            t = t.substring(5);
        }
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty destination");
        }
        String host;
        String rest;
        boolean bracketed = t.startsWith("[");
        if (bracketed) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in destination: " + t);
            }
            host = t.substring(1, close);
            if (host.regionMatches(true, 0, "ipv6:", 0, 5)) {
                host = host.substring(5);
            }
            rest = t.substring(close + 1);
        } else {
            int colon = t.indexOf(':');
            host = colon < 0 ? t : t.substring(0, colon);
            rest = colon < 0 ? "" : t.substring(colon);
        }
        int port = -1;
        if (!rest.isEmpty()) {
            try {
                port = rest.startsWith(":") ? ClientSettings.port(rest.substring(1), -1) : -1;
            } catch (IllegalArgumentException e) {
                port = -1;
            }
            if (port < 0) {
                throw new IllegalArgumentException("bad port in destination: " + t);
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in destination: " + t);
        }
        boolean mx = protocol.usesMx() && !bracketed;
        return new Nexthop(mx ? Kind.MX_DOMAIN : Kind.HOST, host.toLowerCase(Locale.ROOT), port, null);
    }

    /** The domain of an address ("" when it has none), for an empty nexthop. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1);
    }
}
