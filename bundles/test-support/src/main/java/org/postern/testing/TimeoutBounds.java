// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.time.Duration;

/**
 * The longest a test lets an operation take that must give up on its own configured timeout
 * (a server that hangs, a connection cut): twice the timeouts it may wait through, plus
 * {@link #LOAD_MARGIN} for a loaded machine (a build beside the tests, a GC pause). Such a
 * test is there to catch an operation that ignores its timeout and waits for the system's
 * (minutes) or forever; a bound a second above the timeout catches that no better, and fails
 * whenever the machine is busy.
 */
public final class TimeoutBounds {

    public static final Duration LOAD_MARGIN = Duration.ofSeconds(5);

    private TimeoutBounds() {
    }

    /**
     * @param timeout the timeout the test configured
     * @param waits   how many times the operation may wait that long (connect and read, retries,
     *                several operations in a row)
     */
    public static Duration givingUp(Duration timeout, int waits) {
        return timeout.multipliedBy(2L * waits).plus(LOAD_MARGIN);
    }
}
