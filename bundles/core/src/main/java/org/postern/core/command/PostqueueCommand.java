// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.queue.QueueIds;

/** postern:postqueue - flush the queue as Postfix's postqueue -f, -i ID, -s site. */
@Command(scope = "postern", name = "postqueue", description = "Deliver queued mail now: -f (all deferred), -i ID, -s site")
@Service
public class PostqueueCommand extends PosternAction {

    @Option(name = "-f", description = "Flush: try every deferred message now")
    boolean flush;

    @Option(name = "-i", description = "Try this queue ID now")
    @Completion(QueueIdCompleter.class)
    String queueId;

    @Option(name = "-s", description = "Try deferred mail for this destination domain now")
    String site;

    @Reference
    QueueManagerComponent qmgr;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        int modes = (flush ? 1 : 0) + (queueId != null ? 1 : 0) + (site != null ? 1 : 0);
        if (modes != 1) {
            err.println("postqueue: fatal: usage: postqueue -f | -i queue_id | -s site");
            return 64;
        }
        if (!qmgr.running()) {
            err.println("postqueue: fatal: the queue manager is not running (see the log)");
            return 69;
        }
        if (flush) {
            qmgr.flush();
        } else if (queueId != null) {
            if (!QueueIds.isValid(queueId)) {
                err.println("postqueue: fatal: invalid queue ID: " + org.postern.api.support.LogText.printable(queueId));
                return 64;
            }
            qmgr.deliverNow(queueId);
        } else {
            qmgr.flushSite(site);
        }
        return 0;
    }
}
