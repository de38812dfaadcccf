// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * SUMMARY   When a deferred message is tried again.
 * DESCRIPTION
 *   As Postfix: the wait is the message's age, at least minimal_backoff_time and at most
 *   maximal_backoff_time, so retries spread out as a message gets older. The Postfix wishlist's
 *   "randomize deferred mail backoff": the wait is drawn between half and all of that (never
 *   below minimal_backoff_time), so messages deferred together do not all come back in the
 *   same second.
 */
final class Backoff {

    private final Duration minimum;
    private final Duration maximum;
    private final DoubleSupplier random;

    Backoff(Duration minimum, Duration maximum, DoubleSupplier random) {
        this.minimum = minimum;
        this.maximum = maximum.compareTo(minimum) < 0 ? minimum : maximum;
        this.random = random;
    }

    Instant next(Instant arrival, Instant now) {
        Duration age = Duration.between(arrival, now);
        Duration base = age.compareTo(minimum) < 0 ? minimum : age.compareTo(maximum) > 0 ? maximum : age;
        long millis = (long) (base.toMillis() * (0.5 + 0.5 * random.getAsDouble()));
        return now.plusMillis(Math.max(minimum.toMillis(), millis));
    }
}
