// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * SUMMARY   Idle sessions kept for the next request to the same destination (Postfix scache(8),
 *           in process).
 * DESCRIPTION
 *   Keyed by service and nexthop (plus the SASL username when smtp_sasl_auth_enable = yes,
 *   see DeliveryAttempt). A session is kept for smtp_connection_cache_time_limit
 *   after its transaction, and reused (after RSET) until smtp_connection_reuse_time_limit
 *   after it was opened or smtp_connection_reuse_count_limit transactions (0: no limit).
 *   At most smtp_connection_cache_size_limit sessions are kept; the oldest idle one is
 *   closed to make room (the wish list's "scache size limit").
 *   Sessions that saw a 421, an I/O error or a timeout are never offered here.
 * BUGS      On demand means always here: the queue manager does not yet say whether more
 *   mail waits for the destination, so every clean session is kept for the short time limit.
 */
final class ConnectionCache implements AutoCloseable {

    private final Watchdog watchdog;
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private final Deque<Idle> byAge = new ArrayDeque<>();
    private boolean closed;

    private record Idle(SmtpSession session, ScheduledFuture<?> expiry) {
    }

    ConnectionCache(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    /** Keeps the session, or QUITs it when it may not be reused any more. */
    void offer(SmtpSession session, ClientSettings settings) {
        if (!session.usable() || !settings.cacheConnections() || settings.cacheTimeLimit().isZero()
                || expiredForReuse(session, settings) || settings.cacheSizeLimit() <= 0) {
            session.quit();
            return;
        }
        List<SmtpSession> evicted = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                evicted.add(session);
            } else {
                while (byAge.size() >= settings.cacheSizeLimit()) {
                    Idle oldest = byAge.pollFirst();
                    remove(oldest);
                    evicted.add(oldest.session());
                }
                Idle[] holder = new Idle[1];
                ScheduledFuture<?> expiry = watchdog.schedule(() -> expire(holder), settings.cacheTimeLimit());
                holder[0] = new Idle(session, expiry);
                idle.computeIfAbsent(session.cacheKey(), k -> new ArrayDeque<>()).push(holder[0]);
                byAge.addLast(holder[0]);
            }
        }
        evicted.forEach(SmtpSession::dismiss);
    }

    /** The most recently used idle session for the key that may still be reused, or null. */
    SmtpSession take(String key, ClientSettings settings) {
        List<SmtpSession> stale = new ArrayList<>();
        SmtpSession found = null;
        synchronized (this) {
            Deque<Idle> sessions = idle.get(key);
            while (found == null && sessions != null && !sessions.isEmpty()) {
                Idle i = sessions.pop();
                byAge.remove(i);
                i.expiry().cancel(false);
                if (expiredForReuse(i.session(), settings)) {
                    stale.add(i.session());
                } else {
                    found = i.session();
                }
            }
            if (sessions != null && sessions.isEmpty()) {
                idle.remove(key);
            }
        }
        stale.forEach(SmtpSession::dismiss);
        return found;
    }

    synchronized int size() {
        return byAge.size();
    }

    /** Runs on the watchdog thread: must not block, so no waiting for a QUIT reply. */
    private void expire(Idle[] holder) {
        boolean mine;
        Idle i;
        synchronized (this) {
            i = holder[0];
            mine = i != null && byAge.remove(i);
            if (mine) {
                remove(i);
            }
        }
        if (mine) {
            i.session().dismiss();
        }
    }

    private void remove(Idle i) {
        i.expiry().cancel(false);
        Deque<Idle> sessions = idle.get(i.session().cacheKey());
        if (sessions != null) {
            sessions.remove(i);
            if (sessions.isEmpty()) {
                idle.remove(i.session().cacheKey());
            }
        }
    }

    private static boolean expiredForReuse(SmtpSession s, ClientSettings settings) {
        SmtpConnection c = s.connection();
        return (settings.reuseCountLimit() > 0 && c.transactions() >= settings.reuseCountLimit())
                || (!settings.reuseTimeLimit().isZero() && c.ageNanos() >= settings.reuseTimeLimit().toNanos());
    }

    @Override
    public void close() {
        List<Idle> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(byAge);
            byAge.clear();
            idle.clear();
        }
        all.forEach(i -> {
            i.expiry().cancel(false);
            i.session().dismiss();
        });
    }
}
