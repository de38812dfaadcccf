// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

/**
 * SUMMARY   Postfix's per-destination concurrency scheduling: slow start and feedback.
 * DESCRIPTION
 *   A destination starts at initial_destination_concurrency parallel deliveries. Each
 *   successful delivery adds 1/window (so the window grows by about one per round), up to
 *   the transport's destination_concurrency_limit (0: no limit). A failed delivery (the
 *   destination could not be reached at all) takes 1/window away; after
 *   destination_concurrency_failed_cohort_limit failures in a row without a success the
 *   destination is declared dead: its mail is deferred until transport_retry_time has
 *   passed, then one delivery probes it. A success ends the failure cohort.
 *   Not thread-safe: the queue manager's scheduler thread owns it.
 * SEE ALSO  Postfix SCHEDULER_README, "concurrency scheduling".
 */
final class ConcurrencyWindow {

    private final int limit;
    private final int failedCohortLimit;
    private double window;
    private int failuresInARow;

    ConcurrencyWindow(int initial, int limit, int failedCohortLimit) {
        this.limit = limit;
        this.failedCohortLimit = failedCohortLimit;
        this.window = limit > 0 ? Math.min(initial, limit) : initial;
    }

    /** Deliveries that may run at once now (at least 1 unless dead). */
    int allowed() {
        return isDead() ? 0 : Math.max(1, (int) Math.floor(window));
    }

    boolean isDead() {
        return failedCohortLimit > 0 && failuresInARow >= failedCohortLimit;
    }

    void success() {
        failuresInARow = 0;
        window += 1.0 / Math.max(1.0, window);
        if (limit > 0 && window > limit) {
            window = limit;
        }
    }

    void failure() {
        failuresInARow++;
        window = Math.max(1.0, window - 1.0 / Math.max(1.0, window));
    }

    /** After transport_retry_time: let one probe through. */
    void probe() {
        failuresInARow = 0;
        window = 1.0;
    }

    double window() {
        return window;
    }
}
