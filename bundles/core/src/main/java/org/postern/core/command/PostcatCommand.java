// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.core.queue.Postcat;
import org.postern.core.queue.QueueIds;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueuedMessage;

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
        Postcat postcat = new Postcat(ZoneId.systemDefault());
        for (String id : ids) {
            if (!QueueIds.isValid(id)) {
                err.println("postcat: fatal: bad mail queue ID: " + id);
                return 1;
            }
            try {
                Optional<QueuedMessage> m = queue.find(id);
                if (m.isEmpty()) {
                    err.println("postcat: fatal: open queue file " + id + ": No such file or directory");
                    return 1;
                }
                try (InputStream content = queue.content(id)) {
                    postcat.print(m.get(), queue.appendedRecords(id), content, sections, out);
                }
            } catch (NoSuchFileException e) {
                err.println("postcat: fatal: open queue file " + id + ": No such file or directory");
                return 1;
            } catch (IOException e) {
                err.println("postcat: fatal: " + id + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
