// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.queue.Postcat;
import org.postern.core.queue.QueueStore;

/** postern:postcat - show queue files as Postfix's postcat -q does. */
@Command(scope = "postern", name = "postcat", description = "Show queue file contents (postcat -q ID ...; -e envelope, -h headers, -b body)")
@Service
public class PostcatCommand extends PosternAction {

    @Option(name = "-q", description = "Search the queue for the named queue IDs (the only mode supported)")
    boolean searchQueue;

    @Option(name = "-e", description = "Show the envelope records")
    boolean envelope;

    @Option(name = "-h", description = "Show the message headers")
    boolean headers;

    @Option(name = "-b", description = "Show the message body")
    boolean body;

    @Argument(name = "ids", description = "queue IDs", multiValued = true, required = true)
    @Completion(QueueIdCompleter.class)
    List<String> ids = new ArrayList<>();

    @Reference
    QueueStore queue;

    @Override
    protected int run(PrintWriter out, PrintWriter err) {
        if (!searchQueue) {
            err.println("postcat: fatal: reading queue files by path is not supported; use -q ID");
            return 1;
        }
        Set<Postcat.Section> sections = EnumSet.noneOf(Postcat.Section.class);
        if (envelope) {
            sections.add(Postcat.Section.ENVELOPE);
        }
        if (headers) {
            sections.add(Postcat.Section.HEADER);
        }
        if (body) {
            sections.add(Postcat.Section.BODY);
        }
        return new Postcat(ZoneId.systemDefault()).printQueued(queue, ids, sections, out, err);
    }
}
