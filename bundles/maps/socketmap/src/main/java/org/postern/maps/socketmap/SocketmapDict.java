// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   One socketmap table: "name key" out, "OK value" / "NOTFOUND " / "TEMP why" /
 *           "TIMEOUT why" / "PERM why" back.
 * DESCRIPTION
 *   Connections are kept in a small pool and reused; one that has been idle too long or is
 *   too old is closed instead (see {@link SocketmapLimits}). A reused connection that breaks
 *   is replaced and the request sent once more, so that a server restart goes unnoticed, as
 *   in Postfix; a timeout is not retried. TEMP, TIMEOUT, an unknown status and every I/O or
 *   protocol error are temporary failures; PERM is a configuration error (Postfix:
 *   DICT_ERR_CONFIG). The table reports {@link DictFlag#PATTERN}: callers do not try partial
 *   keys (parent domains, user@).
 * SECURITY  Replies come from a server that is not authenticated: their length is limited and
 *   their text is made printable before it is logged.
 */
final class SocketmapDict implements Dict {

    private static final Logger LOG = LoggerFactory.getLogger("postern.dict.socketmap");

    private final String name;
    private final Set<DictFlag> flags;
    private final SocketmapEndpoint endpoint;
    private final String mapName;
    private final SocketmapLimits limits;
    private final ConcurrentLinkedDeque<SocketmapConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SocketmapDict(String name, Set<DictFlag> flags, SocketmapEndpoint endpoint, String mapName, SocketmapLimits limits) {
        EnumSet<DictFlag> effective = EnumSet.of(DictFlag.PATTERN);
        effective.addAll(flags);
        effective.remove(DictFlag.FIXED);
        this.name = name;
        this.flags = Set.copyOf(effective);
        this.endpoint = endpoint;
        this.mapName = mapName;
        this.limits = limits;
    }

    @Override
    public String type() {
        return "socketmap";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        byte[] request = (mapName + " " + folded).getBytes(StandardCharsets.UTF_8);
        try {
            return parse(exchange(request), folded);
        } catch (IOException e) {
            return failure("lookup error: " + (e instanceof SocketTimeoutException ? "timeout" : e.getMessage()));
        }
    }

    private byte[] exchange(byte[] request) throws IOException {
        SocketmapConnection reused = takeIdle();
        if (reused != null) {
            try {
                return exchangeOn(reused, request);
            } catch (SocketTimeoutException | Netstring.ProtocolException e) {
                throw e;
            } catch (IOException e) {
                // the server may have restarted since: once more on a fresh connection
            }
        }
        return exchangeOn(SocketmapConnection.open(endpoint, limits.timeout()), request);
    }

    private byte[] exchangeOn(SocketmapConnection connection, byte[] request) throws IOException {
        try {
            byte[] reply = connection.exchange(request, limits.maxReply(), limits.timeout());
            giveBack(connection);
            return reply;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private LookupResult parse(byte[] reply, String key) {
        String text = new String(reply, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        String status = space < 0 ? text : text.substring(0, space);
        String payload = space < 0 ? "" : text.substring(space + 1);
        switch (status) {
            case "OK":
                return LookupResult.found(payload);
            case "NOTFOUND":
                return LookupResult.notFound();
            case "PERM":
                LookupResult.ConfigurationError permanent = new LookupResult.ConfigurationError(
                        spec() + ": " + reason("permanent", payload));
                LOG.warn("warning: {} (key {})", permanent.reason(), LogText.printable(key));
                return permanent;
            case "TEMP":
                return failure(reason("temporary", payload));
            case "TIMEOUT":
                return failure(reason("timeout", payload));
            default:
                return failure(reason("unknown", payload));
        }
    }

    private String reason(String errorClass, String payload) {
        String why = payload.strip();
        return "socketmap server " + errorClass + " error" + (why.isEmpty() ? "" : ": " + LogText.printable(why));
    }

    private LookupResult failure(String why) {
        String reason = spec() + ": " + why;
        LOG.warn("warning: {}", reason);
        return LookupResult.temporaryFailure(reason);
    }

    private SocketmapConnection takeIdle() {
        SocketmapConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.idle().compareTo(limits.maxIdle()) < 0 && connection.age().compareTo(limits.maxTtl()) < 0) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void giveBack(SocketmapConnection connection) {
        idle.addFirst(connection);
        if (closed) {
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        SocketmapConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }
}
