// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Locale;

import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.MilterSettings;

/**
 * SUMMARY   One entry of smtpd_milters: where the filter listens and its own settings.
 * DESCRIPTION
 *   "inet:host:port" (an IPv6 host in brackets), "unix:/path" (or "local:/path"), or Postfix's
 *   per-milter form "{ inet:host:port, connect_timeout=10s, command_timeout=10s,
 *   content_timeout=300s, default_action=accept, protocol=6 }", whose settings override the
 *   milter_* parameters for that filter. Times take Postfix's units (s, m, h, d; seconds
 *   without a unit). Postern's own "data_size=256k" (or "1m"; "64k" is the default) offers the
 *   filter Sendmail's larger packets (SMFIP_MDS_256K, SMFIP_MDS_1M): body chunks and headers up
 *   to that size, as libmilter's smfi_setmaxdatasize() asks for.
 * SECURITY  From main.cf (trusted); a malformed entry is an IllegalArgumentException naming it.
 */
record MilterSpec(String name, SocketAddress address, Duration connectTimeout, Duration commandTimeout,
                  Duration contentTimeout, DefaultAction defaultAction, int protocol, int dataSize) {

    static MilterSpec parse(String entry, MilterSettings defaults) {
        String text = entry.trim();
        if (text.startsWith("{")) {
            if (!text.endsWith("}")) {
                throw new IllegalArgumentException("missing '}' in milter entry: " + entry);
            }
            text = text.substring(1, text.length() - 1).trim();
        }
        String[] parts = text.split("[,\\s]+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("empty milter entry: " + entry);
        }
        String name = parts[0];
        Duration connect = defaults.connectTimeout();
        Duration command = defaults.commandTimeout();
        Duration content = defaults.contentTimeout();
        DefaultAction action = defaults.defaultAction();
        int protocol = defaults.protocol();
        int dataSize = Milter8.CHUNK;
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value in milter entry: " + entry);
            }
            String key = parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = parts[i].substring(eq + 1).trim();
            switch (key) {
                case "connect_timeout" -> connect = time(value, entry);
                case "command_timeout" -> command = time(value, entry);
                case "content_timeout" -> content = time(value, entry);
                case "default_action" -> action = DefaultAction.of(value);
                case "protocol" -> protocol = protocol(value, entry);
                case "data_size" -> dataSize = dataSize(value, entry);
                default -> throw new IllegalArgumentException("unknown setting " + key + " in milter entry: " + entry);
            }
        }
        return new MilterSpec(name, address(name), connect, command, content, action, protocol, dataSize);
    }

    private static SocketAddress address(String name) {
        int colon = name.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected inet:host:port or unix:/path: " + name);
        }
        String type = name.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = name.substring(colon + 1);
        if (type.equals("unix") || type.equals("local")) {
            return UnixDomainSocketAddress.of(rest);
        }
        if (!type.equals("inet")) {
            throw new IllegalArgumentException("unsupported milter endpoint type " + type + ": " + name);
        }
        int last = rest.lastIndexOf(':');
        if (last <= 0) {
            throw new IllegalArgumentException("expected inet:host:port: " + name);
        }
        String host = rest.substring(0, last);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(last + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + name);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int dataSize(String value, String entry) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "64k" -> Milter8.CHUNK;
            case "256k" -> Milter8.CHUNK_256K;
            case "1m" -> Milter8.CHUNK_1M;
            default -> throw new IllegalArgumentException("data_size must be 64k, 256k or 1m in milter entry: " + entry);
        };
    }

    /** The SMFIP_MDS_ bit offered for this filter's data_size; 0 for the default. */
    int mdsOffer() {
        return dataSize == Milter8.CHUNK_1M ? Milter8.SMFIP_MDS_1M
                : dataSize == Milter8.CHUNK_256K ? Milter8.SMFIP_MDS_256K : 0;
    }

    private static int protocol(String value, String entry) {
        int p;
        try {
            p = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p != 2 && p != 3 && p != 4 && p != 6) {
            throw new IllegalArgumentException("protocol must be 2, 3, 4 or 6 in milter entry: " + entry);
        }
        return p;
    }

    private static Duration time(String value, String entry) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty time in milter entry: " + entry);
        }
        char unit = value.charAt(value.length() - 1);
        String digits = Character.isDigit(unit) ? value : value.substring(0, value.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad time " + value + " in milter entry: " + entry);
        }
        return switch (Character.isDigit(unit) ? 's' : Character.toLowerCase(unit)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            case 'w' -> Duration.ofDays(7 * n);
            default -> throw new IllegalArgumentException("bad time unit in " + value + " in milter entry: " + entry);
        };
    }
}
