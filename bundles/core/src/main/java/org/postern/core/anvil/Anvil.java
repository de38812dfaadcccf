// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * SUMMARY   In-process session count and request rates per (service, client range), like
 *           Postfix's anvil(8): connections (smtpd_client_connection_count_limit and _rate_limit)
 *           and the {@link ClientEvent}s (message, recipient, new TLS session, AUTH rates).
 * DESCRIPTION
 *   {@link #connect} counts a new connection and returns the current concurrency and the number
 *   of connections in the current rate window (anvil_rate_time_unit); {@link #disconnect}
 *   decrements the concurrency. {@link #count} counts one {@link ClientEvent} and returns how
 *   many of its kind the window holds; {@link #rate} only asks (Postfix's newtls_status). As in
 *   anvil, one fixed window per client holds all its rates: it starts with the first event after
 *   the previous window expired, and every rate starts over with it. One instance may be shared
 *   by several listeners; counts are kept per service name as Postfix does. The client key is
 *   its address or its network ({@link AnvilRange}).
 * SECURITY  Keys are client addresses; an entry lives while the client has connections or its
 *           window is running, and expired entries are purged on the way.
 * BUGS      Not shared between cluster nodes (ARCHITECTURE.md: Redis later).
 */
public final class Anvil {

    /** What a connect returned: concurrency including this connection, connections in the window. */
    public record Counts(int count, int rate) {
    }

    private static final class Client {
        int count;
        int connections;
        final Map<ClientEvent, Integer> events = new EnumMap<>(ClientEvent.class);
        /** -1: no window yet. */
        long windowStart = -1;

        /** Starts a new window when none runs or the current one expired; every rate restarts. */
        void window(long now, long unit) {
            if (windowStart < 0 || now - windowStart >= unit) {
                windowStart = now;
                connections = 0;
                events.clear();
            }
        }
    }

    private final Clock clock;
    private final Map<String, Client> clients = new HashMap<>();
    private long lastPurge;

    public Anvil() {
        this(Clock.systemUTC());
    }

    public Anvil(Clock clock) {
        this.clock = clock;
    }

    public synchronized Counts connect(String service, String client, Duration rateUnit) {
        long now = clock.millis();
        Client c = client(service, client, now, rateUnit);
        c.count++;
        c.connections++;
        return new Counts(c.count, c.connections);
    }

    public synchronized void disconnect(String service, String client) {
        Client c = clients.get(key(service, client));
        if (c != null && c.count > 0) {
            c.count--;
        }
    }

    /** Counts one {@code event} of the client; returns how many of them its current window holds. */
    public synchronized int count(String service, String client, ClientEvent event, Duration rateUnit) {
        long now = clock.millis();
        Client c = client(service, client, now, rateUnit);
        return c.events.merge(event, 1, (a, b) -> a == Integer.MAX_VALUE ? a : a + b);
    }

    /** How many {@code event}s the client's current window holds, without counting one. */
    public synchronized int rate(String service, String client, ClientEvent event, Duration rateUnit) {
        long now = clock.millis();
        Client c = clients.get(key(service, client));
        if (c == null) {
            return 0;
        }
        c.window(now, rateUnit.toMillis());
        return c.events.getOrDefault(event, 0);
    }

    /** Current concurrency of one client (for tests and the shell). */
    public synchronized int count(String service, String client) {
        Client c = clients.get(key(service, client));
        return c == null ? 0 : c.count;
    }

    private Client client(String service, String client, long now, Duration rateUnit) {
        long unit = rateUnit.toMillis();
        purge(now, unit);
        Client c = clients.computeIfAbsent(key(service, client), k -> new Client());
        c.window(now, unit);
        return c;
    }

    private static String key(String service, String client) {
        return service + "/" + client;
    }

    private void purge(long now, long unit) {
        if (now - lastPurge < unit) {
            return;
        }
        lastPurge = now;
        clients.values().removeIf(c -> c.count == 0 && now - c.windowStart >= unit);
    }
}
