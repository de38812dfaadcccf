// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.postern.api.dict.DictException;
import org.postern.api.support.LogText;
import org.postern.api.support.TableConfig;
import org.postern.api.support.TableLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The PostgreSQL store's configuration file (tlsrpt_store = pgsql:/etc/postern/tlsrpt-pgsql.cf).
 * DESCRIPTION
 *   The syntax and the connection parameters of Postfix's pgsql_table(5): "name = value",
 *   continuation lines start with whitespace, "#" comments.
 *     hosts         host[:port] or inet:host[:port], IPv6 as [addr]:port; tried in the order
 *                   written, the first that answers is used (default localhost, port 5432)
 *     user, password, dbname (required)
 *     table_prefix  prefix of the store's table names (default tlsrpt_), letters, digits, "_"
 *     timeout       seconds for connecting and for each answer (default 10; Postern's, as in
 *                   its pgsql table)
 *   Unknown parameters are warned about with file and line, and ignored.
 * SECURITY  The file holds a password: errors name parameters, never quote the password.
 */
record PgsqlConfig(String source, List<Host> hosts, String user, String password, String dbname,
                   String tablePrefix, int timeoutSeconds) {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");

    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_PREFIX = "tlsrpt_";
    static final int DEFAULT_TIMEOUT = 10;

    private static final Set<String> KNOWN = Set.of("hosts", "user", "password", "dbname", "table_prefix", "timeout");
    /** Unquoted SQL identifiers; short enough that the longest table name stays within PostgreSQL's 63 bytes. */
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    /** One server to try. */
    record Host(String name, int port) {
        @Override
        public String toString() {
            return (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + port;
        }
    }

    PgsqlConfig {
        hosts = List.copyOf(hosts);
    }

    /** Without the password, which the record's own toString would print. */
    @Override
    public String toString() {
        return "pgsql:" + source + " (hosts " + hosts + ", user " + user + ", dbname " + dbname + ", table_prefix "
                + tablePrefix + ", timeout " + timeoutSeconds + "s)";
    }

    static PgsqlConfig read(Path file) throws IOException {
        try {
            TableConfig config = TableConfig.parse(file.toString(), TableLines.read(file,
                    (line, why) -> LOG.warn("warning: {}, line {}: {}", file, line, why)));
            for (String name : config.unknown(KNOWN)) {
                LOG.warn("warning: {}", config.error(name, "unknown parameter ignored").getMessage());
            }
            String prefix = config.string("table_prefix", DEFAULT_PREFIX);
            if (!PREFIX.matcher(prefix).matches()) {
                throw config.error("table_prefix", "bad value: " + LogText.printable(prefix)
                        + " (expected at most 40 lower-case letters, digits and \"_\", not starting with a digit)");
            }
            return new PgsqlConfig(file.toString(), hosts(config), config.string("user", ""),
                    config.string("password", ""), config.required("dbname"), prefix,
                    config.integer("timeout", DEFAULT_TIMEOUT, 1));
        } catch (NoSuchFileException e) {
            throw new IOException("open " + file + ": No such file or directory", e);
        } catch (DictException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static List<Host> hosts(TableConfig config) throws DictException {
        List<String> specs = config.list("hosts");
        if (specs.isEmpty()) {
            return List.of(new Host("localhost", DEFAULT_PORT));
        }
        List<Host> hosts = new ArrayList<>();
        for (String spec : specs) {
            try {
                hosts.add(host(spec));
            } catch (IllegalArgumentException e) {
                throw config.error("hosts", LogText.printable(spec) + ": " + e.getMessage());
            }
        }
        return hosts;
    }

    /** host, host:port, [v6addr], [v6addr]:port, a bare IPv6 address, each optionally after "inet:". */
    static Host host(String spec) {
        if (spec.startsWith("unix:") || spec.startsWith("/")) {
            throw new IllegalArgumentException("UNIX-domain sockets are not supported; use host[:port]");
        }
        if (spec.startsWith("postgres://") || spec.startsWith("postgresql://")) {
            throw new IllegalArgumentException("connection URIs are not supported; use host[:port] with dbname, user"
                    + " and password");
        }
        String s = spec.startsWith("inet:") ? spec.substring("inet:".length()) : spec;
        String name;
        String port = "";
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || (close + 1 < s.length() && s.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("expected [address] or [address]:port");
            }
            name = s.substring(1, close);
            port = close + 1 < s.length() ? s.substring(close + 2) : "";
        } else if (s.indexOf(':') == s.lastIndexOf(':')) {
            int colon = s.indexOf(':');
            name = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? "" : s.substring(colon + 1);
        } else {
            name = s;    // a bare IPv6 address
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("missing host name");
        }
        return new Host(name, port.isEmpty() ? DEFAULT_PORT : port(port));
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port: " + text);
    }
}
