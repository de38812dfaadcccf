// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * SUMMARY   Where a socketmap server listens: "inet:host:port" or "unix:/path".
 * DESCRIPTION
 *   An IPv6 host may be written in brackets, inet:[::1]:9999. The host name is resolved
 *   at each connect, so that a server that moves is found again.
 */
record SocketmapEndpoint(String host, int port, Path path) {

    /** @throws IllegalArgumentException naming what is wrong */
    static SocketmapEndpoint parse(String endpoint) {
        if (endpoint.startsWith("unix:") && endpoint.length() > 5) {
            return new SocketmapEndpoint(null, 0, Path.of(endpoint.substring(5)));
        }
        if (!endpoint.startsWith("inet:")) {
            throw new IllegalArgumentException("expecting inet:host:port or unix:pathname, not \"" + endpoint + "\"");
        }
        String hostPort = endpoint.substring(5);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("missing port in \"" + endpoint + "\"");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad port in \"" + endpoint + "\"");
        }
        return new SocketmapEndpoint(host, port, null);
    }

    /** A new, still unconnected, non-blocking channel and the address to connect it to. */
    SocketChannel newChannel() throws IOException {
        SocketChannel channel = path != null ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        channel.configureBlocking(false);
        return channel;
    }

    SocketAddress address() {
        return path != null ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return path != null ? "unix:" + path : "inet:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
