// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.nio.file.Path;

/**
 * Where the Dovecot auth server listens (smtpd_sasl_path): a UNIX socket, relative to
 * queue_directory unless absolute (as Postfix, whose smtpd runs in the queue directory), or
 * {@code inet:host:port}.
 *
 * @param socket  the UNIX socket, or null for TCP
 * @param host    the TCP host, or null for a UNIX socket
 * @param port    the TCP port
 * @param name    smtpd_sasl_path as configured, for log messages
 */
public record DovecotEndpoint(Path socket, String host, int port, String name) {

    public static DovecotEndpoint parse(String value, Path queueDirectory) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("smtpd_sasl_path: empty value");
        }
        if (value.startsWith("inet:")) {
            String hostPort = value.substring(5);
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("smtpd_sasl_path: " + value + ": need inet:host:port");
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
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("smtpd_sasl_path: " + value + ": bad port");
            }
            return new DovecotEndpoint(null, host, port, value);
        }
        String path = value.startsWith("unix:") ? value.substring(5) : value;
        Path p = Path.of(path);
        return new DovecotEndpoint(p.isAbsolute() ? p : queueDirectory.resolve(p), null, 0, value);
    }

    public boolean isUnix() {
        return socket != null;
    }
}
