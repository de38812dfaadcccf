// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * SUMMARY   In-process connection count and connection rate per (service, client address),
 *           like Postfix's anvil(8) for smtpd_client_connection_count_limit and
 *           smtpd_client_connection_rate_limit.
 * DESCRIPTION
 *   {@link #connect} counts a new connection and returns the current concurrency and the number
 *   of connections in the current rate window (anvil_rate_time_unit); {@link #disconnect}
 *   decrements the concurrency. As in anvil, the rate is a fixed window that starts with the
 *   first connection after the previous window expired. One instance may be shared by several
 *   listeners; counts are kept per service name as Postfix does.
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
        int rate;
        long windowStart;
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

    public synchronized Counts connect(String service, String address, Duration rateUnit) {
        long now = clock.millis();
        purge(now, rateUnit);
        Client c = clients.computeIfAbsent(service + "/" + address, k -> new Client());
        if (c.rate == 0 || now - c.windowStart >= rateUnit.toMillis()) {
            c.windowStart = now;
            c.rate = 0;
        }
        c.count++;
        c.rate++;
        return new Counts(c.count, c.rate);
    }

    public synchronized void disconnect(String service, String address) {
        Client c = clients.get(service + "/" + address);
        if (c != null && c.count > 0) {
            c.count--;
        }
    }

    /** Current concurrency of one client (for tests and the shell). */
    public synchronized int count(String service, String address) {
        Client c = clients.get(service + "/" + address);
        return c == null ? 0 : c.count;
    }

    private void purge(long now, Duration rateUnit) {
        long unit = rateUnit.toMillis();
        if (now - lastPurge < unit) {
            return;
        }
        lastPurge = now;
        clients.values().removeIf(c -> c.count == 0 && now - c.windowStart >= unit);
    }
}
