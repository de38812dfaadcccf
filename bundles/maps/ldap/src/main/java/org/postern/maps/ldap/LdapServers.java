// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SingleServerSet;

import org.postern.api.dict.DictException;
import org.postern.api.support.LogText;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   The server_host list of an ldap: table, tried in order (failover).
 * DESCRIPTION
 *   Each item is "host", "host:port" (server_port applies when the port is missing),
 *   "ldap://host[:port]" (default 389) or "ldaps://host[:port]" (default 636, TLS from the
 *   first byte). "ldapi://" (a Unix socket) is refused with a clear error. A URL's base DN,
 *   attributes and filter are ignored, as Postfix ignores them.
 * CONFIGURATION PARAMETERS  server_host (localhost), server_port (389).
 */
record LdapServers(List<Server> servers) {

    /** One server: where it is and whether it speaks TLS from the start. */
    record Server(String host, int port, boolean ldaps) {
    }

    static LdapServers read(TableConfig config) throws DictException {
        int defaultPort = config.integer("server_port", LDAPURL.DEFAULT_LDAP_PORT, 1);
        if (defaultPort > 65535) {
            throw config.error("server_port", "bad port: " + defaultPort);
        }
        List<String> items = config.has("server_host") ? config.list("server_host") : List.of("localhost");
        if (items.isEmpty()) {
            throw config.error("server_host", "no server given");
        }
        List<Server> servers = new ArrayList<>();
        for (String item : items) {
            servers.add(parse(item, defaultPort, config));
        }
        return new LdapServers(List.copyOf(servers));
    }

    private static Server parse(String item, int defaultPort, TableConfig config) throws DictException {
        String lower = item.toLowerCase(Locale.ROOT);
        if (lower.startsWith("ldapi:")) {
            throw config.error("server_host", "ldapi:// (Unix domain sockets) is not supported: " + LogText.printable(item));
        }
        if (lower.startsWith("ldap://") || lower.startsWith("ldaps://")) {
            try {
                LDAPURL url = new LDAPURL(item);
                String host = url.hostProvided() ? url.getHost() : "localhost";
                return new Server(host, url.getPort(), lower.startsWith("ldaps:"));
            } catch (LDAPException e) {
                throw config.error("server_host", "bad LDAP URL " + LogText.printable(item) + ": " + e.getMessage());
            }
        }
        if (lower.contains("://")) {
            throw config.error("server_host", "unsupported URL scheme: " + LogText.printable(item));
        }
        int colon = item.lastIndexOf(':');
        if (colon < 0) {
            return new Server(item, defaultPort, false);
        }
        try {
            int port = Integer.parseInt(item.substring(colon + 1));
            if (port < 1 || port > 65535 || colon == 0) {
                throw new NumberFormatException();
            }
            return new Server(item.substring(0, colon), port, false);
        } catch (NumberFormatException e) {
            throw config.error("server_host", "bad host:port " + LogText.printable(item));
        }
    }

    boolean anyLdaps() {
        return servers.stream().anyMatch(Server::ldaps);
    }

    /** The servers as one UnboundID server set; {@code tls} is only used for ldaps:// servers. */
    ServerSet serverSet(LDAPConnectionOptions options, SSLSocketFactory tls) {
        List<ServerSet> sets = new ArrayList<>();
        for (Server server : servers) {
            SocketFactory sockets = server.ldaps() ? tls : SocketFactory.getDefault();
            sets.add(new SingleServerSet(server.host(), server.port(), sockets, options));
        }
        return sets.size() == 1 ? sets.get(0) : new FailoverServerSet(sets);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Server server : servers) {
            out.append(out.length() == 0 ? "" : " ").append(server.ldaps() ? "ldaps://" : "ldap://")
                    .append(server.host()).append(':').append(server.port());
        }
        return out.toString();
    }
}
