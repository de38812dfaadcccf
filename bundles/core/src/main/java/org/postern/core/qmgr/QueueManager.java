// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.support.LogText;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.QueueFile;
import org.postern.core.queue.QueueName;
import org.postern.core.rewrite.LookupFailure;

/**
 * SUMMARY   The queue manager: loads committed mail, routes each recipient, and runs the
 *           delivery agents under Postfix's scheduling rules.
 * DESCRIPTION
 *   New mail arrives through the queue's commit listener (no polling delay). Deferred mail
 *   comes back when its next-attempt time (the file's modification time) is due: the
 *   manager remembers the earliest one and wakes then, instead of scanning every
 *   queue_run_delay (the Postfix wishlist's laptop friendliness).
 *   Messages stay in the queue directory they are in while active (incoming or deferred):
 *   an in-memory table of active queue IDs replaces Postfix's rename to active/, the
 *   wishlist's "eliminate the (incoming,deferred)->active rename".
 *   Each recipient is routed by {@link org.postern.core.rewrite.DeliveryRouter}; recipients with the same route
 *   share a delivery, at most <transport>_destination_recipient_limit at a time. Each route
 *   is a {@link Destination} with Postfix's concurrency window (slow start, feedback, dead
 *   site after the failed cohort limit), rate delay (sub-second) and, per transport, the
 *   master.cf process limit. With a recipient limit of 1 (local's default) each recipient
 *   is a destination of its own ({@link Route#perRecipient}), as in Postfix: mail to a user
 *   whose deliveries hang does not wait in front of everyone else's.
 *   Delivery results are appended to the queue file and forced to disk before anything else
 *   happens, so a restart never delivers a recipient twice. When every recipient of a
 *   message is final, notices are queued (bounces, delay warnings, success notices) and the
 *   file is removed; otherwise it goes to (or stays in) deferred with a randomised backoff,
 *   or is returned to the sender once maximal_queue_lifetime (bounce_queue_lifetime for
 *   the null sender) has passed.
 *   A transport whose agent is not installed defers with "mail transport unavailable"; its
 *   mail is tried again the moment an agent of that name registers. So is mail that an agent
 *   deferred without reaching a server while it was being withdrawn (bundle:update).
 *   Threads: one scheduler thread owns all scheduling state; deliveries and queue file
 *   updates run on a worker pool.
 * SECURITY  Addresses and diagnostics come from the network: log text goes through LogText.
 * BUGS      A destination counts as failed only when a delivery deferred every recipient
 *           without reaching a server (relay "none"): it is the agents' way of saying
 *           "could not connect". No preemption of big messages (Postfix's slot costs).
 * SEE ALSO  Postfix qmgr(8), SCHEDULER_README.
 */
public final class QueueManager {

    /** Deliveries, finishing and notices: as many threads as deliveries may run at once. */
    private static final int MAX_WORKERS = 200;

    private final FileQueueStore store;
    private final DeliveryRun runs;
    private final MessageCompletion completion;
    private final Clock clock;
    private final Map<String, DeliveryAgent> agents = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor workers;
    private final Consumer<String> commitListener = this::committed;

    // Scheduler thread only.
    private QmgrSettings settings;
    private final Map<String, ActiveMessage> active = new HashMap<>();
    private final Map<Route, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, Integer> runningPerTransport = new HashMap<>();
    private final ArrayDeque<String> backlog = new ArrayDeque<>();
    private final Set<String> backlogged = new HashSet<>();
    /** Queue IDs postqueue asked for: delivered even through defer_transports. */
    private final Set<String> forced = new HashSet<>();
    /** Flushed (postqueue -f/-i/-s) while still active: tried again as soon as this attempt ends. */
    private final Set<String> flushWhenFinished = new HashSet<>();
    private final Map<String, Set<String>> waitingForTransport = new HashMap<>();
    private ScheduledFuture<?> deferredScan;
    private Instant deferredScanAt;
    private ScheduledFuture<?> dispatchTimer;
    private boolean stopped;

    public QueueManager(FileQueueStore store, QmgrSettings settings, Notices notices, Clock clock) {
        this.store = store;
        this.runs = new DeliveryRun(store);
        this.completion = new MessageCompletion(store, notices, clock);
        this.settings = settings;
        this.clock = clock;
        ScheduledThreadPoolExecutor single = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "postern-qmgr"));
        single.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);   // timers do not outlive stop()
        single.setRemoveOnCancelPolicy(true);
        this.scheduler = single;
        this.workers = new ThreadPoolExecutor(MAX_WORKERS, MAX_WORKERS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> daemon(r, "postern-delivery"));
        this.workers.allowCoreThreadTimeOut(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts: picks up what is in incoming and deferred, then follows new commits. */
    public void start() {
        store.addCommitListener(commitListener);
        onScheduler(() -> {
            for (String problem : settings.problems()) {
                DeliveryLog.warn(null, problem);
            }
            try {
                store.dueTimes(QueueName.INCOMING).keySet().forEach(this::load);
            } catch (IOException e) {
                DeliveryLog.warn(null, "cannot list the incoming queue: " + e.getMessage());
            }
            scanDeferred();
        });
    }

    /** Stops: no new deliveries; running ones get {@code grace} to finish (unfinished ones are retried later). */
    public void stop(Duration grace) {
        store.removeCommitListener(commitListener);
        onScheduler(() -> stopped = true);
        scheduler.shutdown();
        workers.shutdown();
        try {
            workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            scheduler.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    /** A new configuration (postfix reload): new routes and limits for what is loaded from now on. */
    public void reconfigure(QmgrSettings newSettings) {
        onScheduler(() -> {
            settings = newSettings;
            destinations.values().removeIf(Destination::idle);
            for (String problem : newSettings.problems()) {
                DeliveryLog.warn(null, problem);
            }
        });
    }

    /** A delivery agent registered: mail that waited for its transport flows again. */
    public void agentAdded(String name, DeliveryAgent agent) {
        agents.put(name, agent);
        onScheduler(() -> {
            for (Map.Entry<String, TransportService> t : settings.transports().entrySet()) {
                if (t.getValue().agent().equals(name)) {
                    Set<String> waiting = waitingForTransport.remove(t.getKey());
                    if (waiting != null) {
                        waiting.forEach(this::loadNow);
                    }
                }
            }
        });
    }

    private boolean hasAgent(String transport) {
        TransportService t = settings.transports().get(transport);
        return t != null && agents.containsKey(t.agent());
    }

    public void agentRemoved(String name, DeliveryAgent agent) {
        agents.remove(name, agent);
    }

    /** postqueue -f: every deferred message is due now, and dead destinations get another chance. */
    public void flush() {
        onScheduler(() -> {
            destinations.values().forEach(d -> {
                d.deadUntilMillis = 0;
                if (d.window.isDead()) {
                    d.window.probe();
                }
            });
            try {
                store.dueTimes(QueueName.DEFERRED).keySet().forEach(this::loadNow);
            } catch (IOException e) {
                DeliveryLog.warn(null, "cannot list the deferred queue: " + e.getMessage());
            }
        });
    }

    /** After postsuper -r/-H: picks up what is in incoming now and what is due in deferred. */
    public void rescan() {
        onScheduler(() -> {
            try {
                store.dueTimes(QueueName.INCOMING).keySet().forEach(this::load);
            } catch (IOException e) {
                DeliveryLog.warn(null, "cannot list the incoming queue: " + e.getMessage());
            }
            scanDeferred();
        });
    }

    /** postqueue -i: deliver one message now. */
    public void deliverNow(String queueId) {
        onScheduler(() -> loadNow(queueId));
    }

    /** postqueue -s: deferred mail with a pending recipient in {@code domain}. */
    public void flushSite(String domain) {
        String suffix = "@" + domain.toLowerCase(java.util.Locale.ROOT);
        onScheduler(() -> {
            try {
                for (String id : store.dueTimes(QueueName.DEFERRED).keySet()) {
                    Optional<FileQueueStore.Stored> m = store.read(id);
                    if (m.isPresent() && m.get().parsed().envelope().recipients().stream()
                            .anyMatch(r -> r.address().toLowerCase(java.util.Locale.ROOT).endsWith(suffix))) {
                        loadNow(id);
                    }
                }
            } catch (IOException e) {
                DeliveryLog.warn(null, "cannot list the deferred queue: " + e.getMessage());
            }
        });
    }

    /** For tests and status: messages being worked on. */
    public int activeCount() {
        try {
            return scheduler.submit(active::size).get();
        } catch (Exception e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ loading

    private void committed(String queueId) {
        onScheduler(() -> load(queueId));
    }

    private void loadNow(String queueId) {
        if (active.containsKey(queueId)) {
            // Its attempt is ending (the file may already be in deferred/): flush it right after.
            flushWhenFinished.add(queueId);
            return;
        }
        forced.add(queueId);
        try {
            store.makeDueNow(queueId, clock.instant());
        } catch (IOException e) {
            // it will be found at its old time
        }
        load(queueId);
    }

    private void load(String queueId) {
        if (stopped || active.containsKey(queueId) || backlogged.contains(queueId)) {
            return;
        }
        if (active.size() >= settings.activeLimit()) {
            backlog.add(queueId);
            backlogged.add(queueId);
            return;
        }
        Optional<FileQueueStore.Stored> stored;
        try {
            stored = store.read(queueId);
        } catch (IOException e) {
            DeliveryLog.warn(queueId, "cannot read queue file: " + e.getMessage());
            return;
        }
        if (stored.isEmpty() || stored.get().queue() == QueueName.HOLD || stored.get().queue() == QueueName.CORRUPT) {
            return;
        }
        QueueFile.Parsed p = stored.get().parsed();
        if (stored.get().queue() == QueueName.INCOMING && held(queueId, p)) {
            return;
        }
        ActiveMessage m = new ActiveMessage(queueId, stored.get().queue(), p.envelope(), p.contentLength(), p.appended(),
                clock.instant());
        m.forced = forced.remove(queueId);
        active.put(queueId, m);
        List<Integer> pending = m.pending();
        if (m.notified || pending.isEmpty()) {
            finish(m);
            return;
        }
        DeliveryLog.qmgr(queueId, queueId + ": from=<" + LogText.printable(m.envelope.sender()) + ">, size="
                + m.size + ", nrcpt=" + m.envelope.recipients().size() + " (queue active)");
        Map<Route, List<Integer>> byRoute = new LinkedHashMap<>();
        Route filter = filterRoute(m);
        for (int index : pending) {
            String address = m.envelope.recipients().get(index).address();
            try {
                Route route = filter != null ? filter : Route.of(settings.router().route(address, m.envelope.sender()));
                byRoute.computeIfAbsent(route, r -> new ArrayList<>()).add(index);
            } catch (LookupFailure e) {
                m.record(new RecipientStatus(index, Outcome.DEFERRED, clock.instant(), "4.3.0", "none",
                        "address resolver failure: " + e.getMessage()));
            }
        }
        String delimiters = settings.main().find("recipient_delimiter").orElse("");
        for (Map.Entry<Route, List<Integer>> e : byRoute.entrySet()) {
            Route route = e.getKey();
            int limit = Math.max(1, recipientLimit(route.transport()));
            List<Integer> all = e.getValue();
            for (int from = 0; from < all.size(); from += limit) {
                List<Integer> part = List.copyOf(all.subList(from, Math.min(all.size(), from + limit)));
                Route queue = limit == 1
                        ? route.perRecipient(m.envelope.recipients().get(part.get(0)).address(), delimiters) : route;
                destination(queue).waiting.add(new DeliveryJob(m, route, part));
                m.jobsOutstanding++;
            }
        }
        if (m.jobsOutstanding == 0) {
            finish(m);
        }
        dispatch();
    }

    /**
     * An access(5) or header_checks HOLD that reached incoming (the queue normally commits such
     * mail straight into hold): moved to the hold queue once (a marker record remembers it, so
     * postsuper -H releases it for good).
     */
    private boolean held(String queueId, QueueFile.Parsed p) {
        String reason = p.envelope().actions().hold().orElse(null);
        if (reason == null || RecipientStatus.has(p.appended(), RecipientStatus.HELD)) {
            return false;
        }
        try {
            store.hold(queueId, RecipientStatus.marker(RecipientStatus.HELD));
            DeliveryLog.qmgr(queueId, queueId + ": hold: " + LogText.printable(reason));
        } catch (IOException e) {
            DeliveryLog.warn(queueId, "cannot place message on hold: " + e.getMessage());
        }
        return true;
    }

    /** FILTER transport:destination from access(5) or header_checks: every recipient goes there. */
    private static Route filterRoute(ActiveMessage m) {
        String filter = m.envelope.actions().filter().orElse("");
        if (filter.isBlank()) {
            return null;
        }
        int colon = filter.indexOf(':');
        return colon < 0 ? new Route(filter.strip(), "") : new Route(filter.substring(0, colon).strip(),
                filter.substring(colon + 1).strip());
    }

    private int recipientLimit(String transport) {
        TransportService t = settings.transports().get(transport);
        return t == null ? 50 : t.perTransport("destination_recipient_limit", 50) <= 0 ? Integer.MAX_VALUE
                : t.perTransport("destination_recipient_limit", 50);
    }

    private Destination destination(Route route) {
        return destinations.computeIfAbsent(route, r -> {
            TransportService t = settings.transports().get(r.transport());
            int limit = t == null ? 20 : t.perTransport("destination_concurrency_limit", 20);
            int cohort = t == null ? 1 : t.perTransport("destination_concurrency_failed_cohort_limit", 1);
            long rateDelay = t == null ? 0 : t.perTransportMillis("destination_rate_delay");
            return new Destination(r, new ConcurrencyWindow(settings.initialConcurrency(), limit, cohort), rateDelay);
        });
    }

    // ------------------------------------------------------------------ dispatching

    private void dispatch() {
        if (stopped) {
            return;
        }
        long now = clock.millis();
        long wakeAt = Long.MAX_VALUE;
        for (Destination d : new ArrayList<>(destinations.values())) {
            if (d.window.isDead()) {
                if (now < d.deadUntilMillis) {
                    suspendWaiting(d);
                    wakeAt = Math.min(wakeAt, d.deadUntilMillis);
                    continue;
                }
                d.window.probe();
            }
            while (!d.waiting.isEmpty() && d.running < d.allowed() && transportHasRoom(d.route.transport())) {
                if (d.rateDelayMillis > 0 && now < d.nextStartMillis) {
                    wakeAt = Math.min(wakeAt, d.nextStartMillis);
                    break;
                }
                start(d, d.waiting.poll(), now);
            }
            if (d.idle() && !d.window.isDead()) {
                destinations.remove(d.route);
            }
        }
        if (wakeAt != Long.MAX_VALUE) {
            scheduleDispatch(wakeAt - now);
        }
    }

    /** A dead destination's waiting mail is deferred now, as Postfix does, instead of piling up. */
    private void suspendWaiting(Destination d) {
        while (!d.waiting.isEmpty()) {
            DeliveryJob job = d.waiting.poll();
            List<RecipientResult> results = new ArrayList<>();
            for (int i : job.recipients()) {
                results.add(new RecipientResult(DeliveryRun.recipient(job.message(), i), Outcome.DEFERRED, "4.4.1",
                        "delivery temporarily suspended: " + d.lastFailure, "none"));
            }
            d.running++;
            runningPerTransport.merge(d.route.transport(), 1, Integer::sum);
            Instant now = clock.instant();
            submitWork(() -> {
                runs.record(job, results, now, now);
                onScheduler(() -> completed(d, job, results, false, true));
            });
        }
    }

    private boolean transportHasRoom(String transport) {
        TransportService t = settings.transports().get(transport);
        int limit = t == null ? 100 : t.processLimit() <= 0 ? Integer.MAX_VALUE : t.processLimit();
        return runningPerTransport.getOrDefault(transport, 0) < limit;
    }

    private void scheduleDispatch(long delayMillis) {
        if (dispatchTimer != null && !dispatchTimer.isDone() && dispatchTimer.getDelay(TimeUnit.MILLISECONDS) <= delayMillis) {
            return;
        }
        if (dispatchTimer != null) {
            dispatchTimer.cancel(false);
        }
        dispatchTimer = scheduler.schedule(this::dispatch, Math.max(1, delayMillis), TimeUnit.MILLISECONDS);
    }

    private void start(Destination d, DeliveryJob job, long now) {
        d.running++;
        d.nextStartMillis = now + d.rateDelayMillis;
        runningPerTransport.merge(d.route.transport(), 1, Integer::sum);
        TransportService transport = settings.transports().get(d.route.transport());
        DeliveryAgent agent = transport == null ? null : agents.get(transport.agent());
        boolean held = settings.deferTransports().contains(d.route.transport()) && !job.message().forced;
        boolean softBounce = settings.softBounce();
        submitWork(() -> {
            Instant started = clock.instant();
            boolean missing = agent == null && !held;
            List<RecipientResult> results = held ? runs.deferredTransport(job)
                    : missing ? runs.unavailable(job) : runs.deliver(agent, transport, job, softBounce);
            runs.record(job, results, started, clock.instant());
            boolean withdrawn = !missing && !held && withdrawnMeanwhile(transport, agent) && reachedNobody(results);
            onScheduler(() -> completed(d, job, results, missing || withdrawn, held || withdrawn));
        });
    }

    /**
     * The agent was unregistered while it delivered (bundle:update, feature:uninstall): a
     * stopping agent defers what it did not start, and that says nothing about the
     * destination. Such mail waits for the next agent, as if none had been there.
     */
    private boolean withdrawnMeanwhile(TransportService transport, DeliveryAgent agent) {
        return agents.get(transport.agent()) != agent;
    }

    /** Every recipient deferred without a server reached: the agents' way of saying "could not connect". */
    private static boolean reachedNobody(List<RecipientResult> results) {
        return results.stream().allMatch(r -> r.outcome() == Outcome.DEFERRED
                && (r.relay() == null || r.relay().isEmpty() || r.relay().equals("none")));
    }

    // ------------------------------------------------------------------ completion

    /**
     * @param missing      the transport had no agent, or its agent was withdrawn meanwhile (the message waits for one)
     * @param noDelivery   nothing was tried (no agent, defer_transports, suspended): no concurrency feedback
     */
    private void completed(Destination d, DeliveryJob job, List<RecipientResult> results, boolean missing,
                           boolean noDelivery) {
        d.running--;
        runningPerTransport.merge(d.route.transport(), -1, Integer::sum);
        if (missing) {
            job.message().missingTransports.add(d.route.transport());
        } else if (noDelivery) {
            // no feedback: the destination was not tried
        } else if (reachedNobody(results)) {
            d.lastFailure = results.isEmpty() ? "" : results.get(0).diagnostic();
            d.window.failure();
            if (d.window.isDead()) {
                d.deadUntilMillis = clock.millis() + settings.transportRetryTime().toMillis();
            }
        } else {
            d.window.success();
        }
        ActiveMessage m = job.message();
        Instant now = clock.instant();
        for (int k = 0; k < results.size(); k++) {
            RecipientResult r = results.get(k);
            m.record(new RecipientStatus(job.recipients().get(k), r.outcome(), now, r.dsnStatus(), r.relay(), r.diagnostic()));
        }
        if (--m.jobsOutstanding == 0) {
            finish(m);
        }
        dispatch();
    }

    /** Every job of the message is done: notices and removal, or deferral (worker thread for the I/O). */
    private void finish(ActiveMessage m) {
        QmgrSettings s = settings;
        submitWork(() -> {
            Instant next;
            try {
                next = completion.finish(m, s);
            } catch (IOException | RuntimeException e) {
                // Kept active with what this round learned (statuses not yet on disk included):
                // reloading the file instead would deliver those recipients again.
                DeliveryLog.warn(m.queueId, "cannot finish message, retrying in " + s.queueRunDelay().toSeconds()
                        + "s: " + e);
                if (!stopped) {
                    scheduler.schedule(() -> finish(m), s.queueRunDelay().toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            onScheduler(() -> finished(m, next));
        });
    }

    private void finished(ActiveMessage m, Instant next) {
        active.remove(m.queueId);
        // A transport whose agent arrived while this message was being finished (at start, the
        // queue manager often runs before the agents register): agentAdded found nothing
        // waiting then, so it is retried now rather than after its backoff.
        boolean agentArrived = m.missingTransports.stream().anyMatch(this::hasAgent);
        boolean again = (flushWhenFinished.remove(m.queueId) || agentArrived) && next != null;
        if (again) {
            loadNow(m.queueId);
        } else if (next != null) {
            for (String transport : m.missingTransports) {
                waitingForTransport.computeIfAbsent(transport, t -> new HashSet<>()).add(m.queueId);
            }
            scheduleDeferredScan(next);
        }
        while (!backlog.isEmpty() && active.size() < settings.activeLimit()) {
            String id = backlog.poll();
            backlogged.remove(id);
            load(id);
        }
    }

    // ------------------------------------------------------------------ deferred queue

    private void scanDeferred() {
        deferredScan = null;
        deferredScanAt = null;
        Instant now = clock.instant();
        Instant earliest = null;
        try {
            for (Map.Entry<String, Instant> e : store.dueTimes(QueueName.DEFERRED).entrySet()) {
                if (!e.getValue().isAfter(now)) {
                    load(e.getKey());
                } else if (!active.containsKey(e.getKey()) && (earliest == null || e.getValue().isBefore(earliest))) {
                    earliest = e.getValue();
                }
            }
        } catch (IOException e) {
            DeliveryLog.warn(null, "cannot list the deferred queue: " + e.getMessage());
            earliest = now.plus(settings.queueRunDelay());
        }
        if (earliest != null) {
            scheduleDeferredScan(earliest);
        }
    }

    /** Wakes for the deferred queue at {@code when} unless an earlier wake-up is already set. */
    private void scheduleDeferredScan(Instant when) {
        if (stopped || (deferredScanAt != null && !deferredScanAt.isAfter(when))) {
            return;
        }
        if (deferredScan != null) {
            deferredScan.cancel(false);
        }
        deferredScanAt = when;
        long delay = Math.max(1, Duration.between(clock.instant(), when).toMillis());
        deferredScan = scheduler.schedule(this::scanDeferred, delay, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ threads

    private void onScheduler(Runnable task) {
        try {
            scheduler.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    DeliveryLog.warn(null, "queue manager: " + e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void submitWork(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping: the message stays in the queue and is picked up at the next start
        }
    }
}
