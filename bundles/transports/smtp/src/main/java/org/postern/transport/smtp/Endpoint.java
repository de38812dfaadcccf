// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.net.InetAddress;
import java.nio.file.Path;

import org.postern.api.support.IpAddresses;

/**
 * One place to connect to: a host name with one address and port, or a UNIX-domain socket.
 * {@link #toString()} is Postfix's "mx.example.com[192.0.2.1]" used in every diagnostic;
 * {@link #relay()} adds the port, as the status logs do.
 *
 * @param secure        the DNS lookups that led here (the MX RRset, when there was one, and the
 *                      host's address RRset) were all DNSSEC-validated: DANE may use TLSA records
 * @param canonicalName the name the address records were found at when the host name is an
 *                      alias (CNAME), else the host name itself (RFC 7672 section 2.2.2)
 */
record Endpoint(String hostname, InetAddress address, int port, Path path, boolean secure, String canonicalName) {

    static Endpoint inet(String hostname, InetAddress address, int port) {
        return new Endpoint(hostname, address, port, null, false, hostname);
    }

    static Endpoint inet(String hostname, InetAddress address, int port, boolean secure, String canonicalName) {
        return new Endpoint(hostname, address, port, null, secure, canonicalName);
    }

    static Endpoint unix(String hostname, Path path) {
        return new Endpoint(hostname, null, -1, path, false, hostname);
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
