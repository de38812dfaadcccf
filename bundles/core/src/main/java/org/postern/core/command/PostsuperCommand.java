// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.queue.Postsuper;
import org.postern.core.queue.Postsuper.Operation;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueueStoreComponent;

/** postern:postsuper - delete, hold, release or requeue queued mail, as Postfix's postsuper(1). */
@Command(scope = "postern", name = "postsuper",
        description = "Queue maintenance: -d ID|ALL delete, -h hold, -H release, -r requeue; '-' reads IDs from stdin")
@Service
public class PostsuperCommand extends PosternAction {

    @Option(name = "-d", description = "Delete the message with this queue ID (ALL: every message; -: IDs from stdin)", multiValued = true)
    @Completion(QueueIdCompleter.class)
    List<String> delete = new ArrayList<>();

    @Option(name = "-h", description = "Put the message on hold", multiValued = true)
    @Completion(QueueIdCompleter.class)
    List<String> hold = new ArrayList<>();

    @Option(name = "-H", description = "Release the message from hold (to the deferred queue)", multiValued = true)
    @Completion(QueueIdCompleter.class)
    List<String> release = new ArrayList<>();

    @Option(name = "-r", description = "Requeue the message (to the incoming queue)", multiValued = true)
    @Completion(QueueIdCompleter.class)
    List<String> requeue = new ArrayList<>();

    @Argument(name = "queues", description = "queue names: hold, incoming, active, deferred", multiValued = true)
    List<String> queues = new ArrayList<>();

    @Reference
    QueueStore queue;

    @Reference(optional = true)
    QueueManagerComponent qmgr;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        if (!(queue instanceof QueueStoreComponent component)) {
            err.println("postsuper: fatal: the queue is not available");
            return 1;
        }
        if (delete.isEmpty() && hold.isEmpty() && release.isEmpty() && requeue.isEmpty()) {
            err.println("postsuper: fatal: usage: postsuper [-d queue_id (delete)] [-h queue_id (hold)] "
                    + "[-H queue_id (un-hold)] [-r queue_id (requeue)] [queue...]");
            return 1;
        }
        Map<Operation, List<String>> ids = new EnumMap<>(Operation.class);
        ids.put(Operation.DELETE, delete);
        ids.put(Operation.HOLD, hold);
        ids.put(Operation.RELEASE, release);
        ids.put(Operation.REQUEUE, requeue);
        int status = new Postsuper(component.store()).run(ids, queues, this::stdin, err);
        if (qmgr != null && (!requeue.isEmpty() || !release.isEmpty())) {
            qmgr.rescan();   // requeued and released mail is delivered now, not at the next deferred scan
        }
        return status;
    }
}
