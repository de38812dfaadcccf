// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.PrintWriter;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.qmgr.QueueListing;
import org.postern.core.queue.QueueStore;
import org.postern.core.runtime.PosternConfiguration;

/** postern:mailq - list the queue as Postfix's mailq / postqueue -p (or -j) does. */
@Command(scope = "postern", name = "mailq", description = "List the mail queue (postqueue -p; -j for JSON, one object per line)")
@Service
public class MailqCommand extends PosternAction {

    @Option(name = "-j", description = "One JSON object per message, as postqueue -j")
    boolean json;

    @Option(name = "-p", description = "The sendmail-style listing (the default)")
    boolean plain;

    @Reference
    QueueStore queue;

    @Reference(optional = true)
    PosternConfiguration configuration;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        boolean longIds = configuration != null && configuration.current()
                .flatMap(c -> c.config().main().find("enable_long_queue_ids"))
                .map(v -> v.trim().equalsIgnoreCase("yes")).orElse(false);
        try {
            QueueListing.print(queue, longIds, json, out);
        } catch (IOException e) {
            err.println("mailq: fatal: " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
