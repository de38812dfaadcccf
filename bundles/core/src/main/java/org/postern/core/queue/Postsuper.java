// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SUMMARY   postsuper(1) queue maintenance: delete, hold, release and requeue messages.
 * DESCRIPTION
 *   The work behind postern:postsuper and bin/postsuper, on a {@link FileQueueStore}:
 *   <pre>
 *   -d ID   delete                from hold, incoming, active, deferred (default)
 *   -h ID   hold: move to hold    from incoming, active, deferred (default)
 *   -H ID   release: to deferred  from hold (default)
 *   -r ID   requeue: to incoming  from hold, incoming, active, deferred (default)
 *   </pre>
 *   An ID of "-" reads IDs from standard input (the first word of each line); ALL (upper
 *   case) means every message in the queues; queue names given after the options replace
 *   the defaults. As in Postfix, the ALL operations run first, then the by-ID ones in the
 *   order delete, requeue, hold, release; "-d ALL" with other IDs warns that they are
 *   ignored; an ID that is not in the named queues is skipped silently; the report is
 *   "Requeued: N message(s)", "Deleted: ...", "Placed on hold: ...", "Released from
 *   hold: ..." on standard error, each only when N &gt; 0; the exit status is 0, or 1 after
 *   a fatal error (an unknown queue name).
 * SECURITY  Queue IDs come from the administrator or a pipe: each is checked with
 *   {@link QueueIds#isValid} before any path is built; malformed ones are warned about and
 *   skipped. Queue names are matched against a fixed list.
 * BUGS      -r moves the file to incoming, where the queue manager takes it up again
 *   (address resolution runs anew); it does not re-run cleanup as Postfix's maildrop
 *   round does. No -e/-f (forced expiry), -p, -s or -S. The queue manager is not told: a
 *   message it holds in memory may still be delivered once after -d or -h.
 * SEE ALSO  Postfix postsuper(1).
 */
public final class Postsuper {

    private static final Logger LOG = LoggerFactory.getLogger("postern.postsuper");

    /** The four operations, in the order Postfix carries out the by-ID ones. */
    public enum Operation {
        DELETE('d', EnumSet.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)),
        REQUEUE('r', EnumSet.of(QueueName.HOLD, QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)),
        HOLD('h', EnumSet.of(QueueName.INCOMING, QueueName.ACTIVE, QueueName.DEFERRED)),
        RELEASE('H', EnumSet.of(QueueName.HOLD));

        private final char option;
        private final Set<QueueName> defaultQueues;

        Operation(char option, Set<QueueName> defaultQueues) {
            this.option = option;
            this.defaultQueues = defaultQueues;
        }
    }

    /** Queue names postsuper accepts that hold no Postern message files (ignored). */
    private static final Set<String> EMPTY_QUEUES = Set.of("maildrop", "bounce", "defer", "trace", "flush");

    /** Opens standard input when an ID of "-" asks for it. */
    public interface Stdin {
        BufferedReader open() throws IOException;
    }

    private final FileQueueStore store;

    public Postsuper(FileQueueStore store) {
        this.store = store;
    }

    /**
     * Runs one postsuper command line.
     *
     * @param ids        the IDs given to each option (-d, -r, -h, -H), in command-line order
     * @param queueNames the queue names after the options (empty: each operation's defaults)
     * @param stdin      standard input, for IDs of "-"
     * @param err        standard error: warnings, the report, fatal errors
     * @return the exit status
     */
    public int run(Map<Operation, List<String>> ids, List<String> queueNames, Stdin stdin, PrintWriter err) {
        Optional<Set<QueueName>> named;
        try {
            named = queues(queueNames);
        } catch (IllegalArgumentException e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
        try {
            for (Operation op : Operation.values()) {
                List<String> given = ids.getOrDefault(op, List.of());
                if (given.contains("ALL") && given.size() > 1) {
                    err.println("postsuper: warning: option \"-" + op.option + " ALL\" will ignore other command line queue IDs");
                }
            }
            for (Operation op : Operation.values()) {
                if (ids.getOrDefault(op, List.of()).contains("ALL")) {
                    counts.merge(op, all(op, named.orElse(op.defaultQueues)), Integer::sum);
                }
            }
            for (Operation op : Operation.values()) {
                List<String> given = ids.getOrDefault(op, List.of());
                if (given.isEmpty() || given.contains("ALL")) {
                    continue;
                }
                Set<QueueName> from = named.orElse(op.defaultQueues);
                for (String id : given) {
                    if (id.equals("-")) {
                        try (BufferedReader in = stdin.open()) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                String word = line.strip().split("\\s+", 2)[0];
                                if (!word.isEmpty()) {
                                    counts.merge(op, one(op, word, from, err), Integer::sum);
                                }
                            }
                        }
                    } else {
                        counts.merge(op, one(op, id, from, err), Integer::sum);
                    }
                }
            }
        } catch (IOException e) {
            report(counts, err);
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        report(counts, err);
        return 0;
    }

    /** Explicit queue names, or empty for each operation's defaults. */
    static Optional<Set<QueueName>> queues(List<String> names) {
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Set<QueueName> out = EnumSet.noneOf(QueueName.class);
        for (String name : names) {
            if (EMPTY_QUEUES.contains(name)) {
                continue;
            }
            QueueName q = switch (name) {
                case "incoming" -> QueueName.INCOMING;
                case "active" -> QueueName.ACTIVE;
                case "deferred" -> QueueName.DEFERRED;
                case "hold" -> QueueName.HOLD;
                default -> throw new IllegalArgumentException("invalid directory name: " + LogText.printable(name));
            };
            out.add(q);
        }
        return Optional.of(out);
    }

    private int all(Operation op, Set<QueueName> from) throws IOException {
        int n = 0;
        for (QueueName q : from) {
            for (String id : ids(q)) {
                n += apply(op, id, q) ? 1 : 0;
            }
        }
        return n;
    }

    private int one(Operation op, String id, Set<QueueName> from, PrintWriter err) throws IOException {
        if (!QueueIds.isValid(id)) {
            err.println("postsuper: warning: invalid mail queue id: " + LogText.printable(id));
            return 0;
        }
        Optional<QueuedMessage> m = store.find(id);
        if (m.isEmpty() || !from.contains(m.get().queue())) {
            return 0;
        }
        return apply(op, id, m.get().queue()) ? 1 : 0;
    }

    private boolean apply(Operation op, String id, QueueName current) throws IOException {
        boolean done = switch (op) {
            case DELETE -> store.remove(id);
            case REQUEUE -> store.move(id, QueueName.INCOMING);
            case HOLD -> current != QueueName.HOLD && store.move(id, QueueName.HOLD);
            case RELEASE -> current == QueueName.HOLD && store.move(id, QueueName.DEFERRED);
        };
        if (done && op != Operation.DELETE) { // remove() logs "removed" itself
            MDC.put("postern.queue_id", id);
            try {
                LOG.info("{}: {}", id, switch (op) {
                    case REQUEUE -> "requeued";
                    case HOLD -> "placed on hold";
                    default -> "released from hold";
                });
            } finally {
                MDC.remove("postern.queue_id");
            }
        }
        return done;
    }

    /** The IDs in one queue (readable files; recovery has moved corrupt ones away). */
    private List<String> ids(QueueName q) throws IOException {
        return store.list(q).stream().map(QueuedMessage::queueId).toList();
    }

    private static void report(Map<Operation, Integer> counts, PrintWriter err) {
        line(err, "Requeued", counts.getOrDefault(Operation.REQUEUE, 0));
        line(err, "Deleted", counts.getOrDefault(Operation.DELETE, 0));
        line(err, "Placed on hold", counts.getOrDefault(Operation.HOLD, 0));
        line(err, "Released from hold", counts.getOrDefault(Operation.RELEASE, 0));
    }

    private static void line(PrintWriter err, String what, int n) {
        if (n > 0) {
            err.println(String.format(Locale.ROOT, "postsuper: %s: %d message%s", what, n, n > 1 ? "s" : ""));
        }
    }
}
