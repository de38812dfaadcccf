// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * SUMMARY   Delivers the recipients of one request side by side, so that one recipient's
 *           wait (a locked mailbox: deliver_lock_attempts times deliver_lock_delay) does not
 *           hold up the others.
 * DESCRIPTION
 *   At most {@value #MAX_PARALLEL} recipients at a time; the calling thread delivers too, and a
 *   request with one recipient (local's default, local_destination_recipient_limit = 1) runs
 *   on the calling thread alone. The results come back in the request's order. A recipient's
 *   delivery that throws does not stop the others; the first exception is rethrown once all
 *   are done.
 * BUGS      Postfix's local(8) and virtual(8) deliver a request's recipients one after the
 *           other; here one request may run up to {@value #MAX_PARALLEL} deliveries at once,
 *           beyond the master.cf process limit that counts requests.
 */
public final class RecipientsInParallel {

    static final int MAX_PARALLEL = 8;

    private RecipientsInParallel() {
    }

    /** {@code deliver} applied to each recipient, concurrently; results in the order of {@code recipients}. */
    public static <T, R> List<R> map(List<T> recipients, String threadName, Function<T, R> deliver) {
        int n = recipients.size();
        if (n <= 1) {
            List<R> one = new ArrayList<>(n);
            recipients.forEach(r -> one.add(deliver.apply(r)));
            return one;
        }
        Object[] results = new Object[n];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < n; ) {
                try {
                    results[i] = deliver.apply(recipients.get(i));
                } catch (RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int h = 1; h < Math.min(n, MAX_PARALLEL); h++) {
            Thread t = new Thread(worker, threadName);
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
        worker.run();
        joinAll(helpers);
        Throwable first = failure.get();
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        List<R> list = (List<R>) Arrays.asList(results);
        return list;
    }

    /** Waits for every helper; an interrupt is kept for the caller, not lost, and does not abandon the helpers. */
    private static void joinAll(List<Thread> helpers) {
        boolean interrupted = false;
        for (Thread t : helpers) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
