// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.core.queue.MailqFormat;
import org.postern.core.queue.QueueName;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueuedMessage;

/**
 * TAB completion of queue IDs (postern:postcat, postern:postsuper, postern:postqueue -i): the
 * messages mailq lists now. A queue that cannot be read offers nothing.
 */
@Service
public class QueueIdCompleter implements Completer {

    @Reference
    QueueStore queue;

    public QueueIdCompleter() {
    }

    QueueIdCompleter(QueueStore queue) {
        this.queue = queue;
    }

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        SortedSet<String> ids;
        try {
            ids = queueIds();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return new StringsCompleter(ids).complete(session, commandLine, candidates);
    }

    private SortedSet<String> queueIds() throws IOException {
        SortedSet<String> ids = new TreeSet<>();
        for (QueueName q : MailqFormat.LISTED) {
            for (QueuedMessage m : queue.list(q)) {
                ids.add(m.queueId());
            }
        }
        return ids;
    }
}
