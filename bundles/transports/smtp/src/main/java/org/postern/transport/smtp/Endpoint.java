// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.net.InetAddress;
import java.nio.file.Path;

import org.postern.api.support.IpAddresses;

/**
 * One place to connect to: a host name with one address and port, or a UNIX-domain socket.
 * {@link #toString()} is Postfix's "mx.example.com[192.0.2.1]" used in every diagnostic;
 * {@link #relay()} adds the port, as the status logs do.
 */
record Endpoint(String hostname, InetAddress address, int port, Path path) {

    static Endpoint inet(String hostname, InetAddress address, int port) {
        return new Endpoint(hostname, address, port, null);
    }

    static Endpoint unix(String hostname, Path path) {
        return new Endpoint(hostname, null, -1, path);
    }

    boolean isUnix() {
        return path != null;
    }

    String addressText() {
        return isUnix() ? path.toString() : IpAddresses.format(address.getAddress());
    }

    @Override
    public String toString() {
        return hostname + "[" + addressText() + "]";
    }

    String relay() {
        return isUnix() ? toString() : toString() + ":" + port;
    }
}
