// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The queue of one route (transport and nexthop), Postfix's "destination": jobs waiting,
 * deliveries running, the concurrency window, the rate delay and the dead-site timer.
 * Owned by the scheduler thread.
 */
final class Destination {

    final Route route;
    final Deque<DeliveryJob> waiting = new ArrayDeque<>();
    final ConcurrencyWindow window;
    final long rateDelayMillis;
    int running;
    long nextStartMillis;
    long deadUntilMillis;
    String lastFailure = "";

    Destination(Route route, ConcurrencyWindow window, long rateDelayMillis) {
        this.route = route;
        this.window = window;
        this.rateDelayMillis = rateDelayMillis;
    }

    /** How many may run now: the window, or one at a time with a rate delay. */
    int allowed() {
        return rateDelayMillis > 0 ? Math.min(1, window.allowed()) : window.allowed();
    }

    boolean idle() {
        return waiting.isEmpty() && running == 0;
    }
}
