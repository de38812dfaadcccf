// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.postern.core.cli.Getopt;
import org.postern.core.config.Postconf;
import org.postern.core.dict.DictInventory;
import org.postern.core.dict.PostmapBuild;
import org.postern.core.dict.TableTool;
import org.postern.core.master.MasterServices;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.queue.Postcat;
import org.postern.core.queue.Postsuper;
import org.postern.core.queue.Postsuper.Operation;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueueStoreComponent;
import org.postern.core.runtime.PosternConfiguration;

/**
 * SUMMARY   The administrative tools over the tool socket: postsuper, postcat, postconf,
 *           postmap/postalias queries, postfix reload and check.
 * DESCRIPTION
 *   postsuper, postcat and postfix are reserved for administrators (root, Postern's own user,
 *   members of its primary group), with Postfix's refusal text. postconf reads for anyone;
 *   an edit (-e, -X, -#) by anyone else, and every postmap/postalias for anyone else, is
 *   handed back to the caller's own process ({@link Tool#RUN_LOCALLY}), where the operating
 *   system decides which files that user may read or write, as with Postfix's tools. Building
 *   a table is always done there, so the built file belongs to whoever built it.
 * SECURITY  Queue IDs are checked before any path is built; the caller's identity comes from
 *           SO_PEERCRED.
 */
final class AdminTools {

    private final QueueStore queue;
    private final QueueManagerComponent qmgr;
    private final PosternConfiguration configuration;
    private final DictInventory inventory;
    private final MasterServices master;

    AdminTools(QueueStore queue, QueueManagerComponent qmgr, PosternConfiguration configuration,
               DictInventory inventory, MasterServices master) {
        this.queue = queue;
        this.qmgr = qmgr;
        this.configuration = configuration;
        this.inventory = inventory;
        this.master = master;
    }

    private static final String POSTSUPER_USAGE = "postsuper: fatal: usage: postsuper [-d queue_id (delete)]"
            + " [-h queue_id (hold)] [-H queue_id (un-hold)] [-r queue_id (requeue)] [queue...]";

    static boolean refused(ToolCall call, String program) {
        if (call.caller().admin()) {
            return false;
        }
        call.err().println(program + ": fatal: use of this command is reserved for the superuser");
        return true;
    }

    int postsuper(ToolCall call) {
        if (refused(call, "postsuper")) {
            return 1;
        }
        PrintWriter err = call.err();
        if (!(queue instanceof QueueStoreComponent component)) {
            err.println("postsuper: fatal: the queue is not available");
            return 1;
        }
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(call.args(), "cdhHr");
        } catch (Getopt.MissingArgument e) {
            err.println("postsuper: fatal: " + e.getMessage());
            return 1;
        }
        Map<Operation, List<String>> ids = new EnumMap<>(Operation.class);
        for (Operation op : Operation.values()) {
            ids.put(op, new ArrayList<>());
        }
        for (Getopt.Opt o : parsed.options()) {
            switch (o.letter()) {
                case 'd' -> ids.get(Operation.DELETE).add(o.value());
                case 'h' -> ids.get(Operation.HOLD).add(o.value());
                case 'H' -> ids.get(Operation.RELEASE).add(o.value());
                case 'r' -> ids.get(Operation.REQUEUE).add(o.value());
                case 'c', 'v' -> {
                }
                default -> {
                    err.println(POSTSUPER_USAGE);
                    return 1;
                }
            }
        }
        if (ids.values().stream().allMatch(List::isEmpty)) {
            err.println(POSTSUPER_USAGE);
            return 1;
        }
        int status = new Postsuper(component.store()).run(ids, parsed.operands(), call::stdinReader, err);
        if (!ids.get(Operation.REQUEUE).isEmpty() || !ids.get(Operation.RELEASE).isEmpty()) {
            qmgr.rescan();   // requeued and released mail is delivered now, not at the next deferred scan
        }
        return status;
    }

    int postcat(ToolCall call) {
        if (refused(call, "postcat")) {
            return 1;
        }
        PrintWriter err = call.err();
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(call.args(), "c");
        } catch (Getopt.MissingArgument e) {
            err.println("postcat: fatal: " + e.getMessage());
            return 1;
        }
        Set<Postcat.Section> sections = EnumSet.noneOf(Postcat.Section.class);
        boolean searchQueue = false;
        for (Getopt.Opt o : parsed.options()) {
            switch (o.letter()) {
                case 'q' -> searchQueue = true;
                case 'e' -> sections.add(Postcat.Section.ENVELOPE);
                case 'h' -> sections.add(Postcat.Section.HEADER);
                case 'b' -> sections.add(Postcat.Section.BODY);
                default -> {
                }
            }
        }
        if (!searchQueue) {
            err.println("postcat: fatal: reading queue files by path is not supported; use -q ID");
            return 1;
        }
        return new Postcat(ZoneId.systemDefault()).printQueued(queue, parsed.operands(), sections, call.out(), err);
    }

    /** postconf; an edit by someone who is not an administrator runs in the caller's process. */
    int postconf(ToolCall call) {
        List<String> args = new ArrayList<>();
        boolean edit = false;
        for (int i = 0; i < call.args().size(); i++) {
            String a = call.args().get(i);
            if (a.startsWith("-") && !a.startsWith("--") && a.length() > 1) {
                edit |= a.indexOf('e') > 0 || a.indexOf('X') > 0 || a.indexOf('#') > 0;
            }
            args.add(a);
            if (a.equals("-c") && i + 1 < call.args().size()) {
                args.add(call.resolve(call.args().get(++i)).toString());
            }
        }
        if (edit && !call.caller().admin()) {
            return Tool.RUN_LOCALLY;
        }
        Set<String> types = new TreeSet<>();
        inventory.types().forEach(t -> types.add(t.type()));
        return Postconf.run(configuration.environment().configDirectory(), configuration.environment(), types,
                configuration.parameters(), args, call.out(), call.err());
    }

    /** postmap/postalias -q, -Q, -s for administrators; everything else in the caller's process. */
    int table(ToolCall call, PostmapBuild.Format format) throws IOException {
        TableTool.Options options;
        try {
            options = TableTool.parse(call.tool(), call.args());
        } catch (TableTool.UsageException e) {
            return Tool.RUN_LOCALLY;   // the caller's process prints Postfix's usage text
        }
        if (!options.queries() || !call.caller().admin()) {
            return Tool.RUN_LOCALLY;
        }
        String defaultType = configuration.current()
                .map(c -> c.config().main().get("default_database_type")).orElse("lmdb");
        return new TableTool(inventory, format, defaultType, call::resolve)
                .run(options, call::stdinReader, call.out(), call.err());
    }

    /** postfix status | reload | check (start and stop are the launcher's: bin/postfix). */
    int postfix(ToolCall call) {
        if (call.args().equals(List.of("status"))) {   // anyone may ask; bin/postfix start waits for this answer
            call.out().println("postfix/postfix-script: the Postern mail system is running: PID: "
                    + ProcessHandle.current().pid());
            return 0;
        }
        if (!call.caller().admin()) {
            call.err().println("postfix: fatal: the postfix command is reserved for the superuser");
            return 1;
        }
        String command = call.args().isEmpty() ? "" : call.args().get(0);
        return switch (command) {
            case "reload" -> new Reload(configuration, inventory, master, qmgr).run(call.out(), call.err());
            case "check" -> {
                List<String> problems = configuration.check();
                problems.forEach(p -> call.err().println("postfix: " + p));
                yield problems.stream().anyMatch(p -> p.startsWith("fatal:")) ? 1 : 0;
            }
            default -> {
                call.err().println("postfix: fatal: unknown command: '" + command + "'. Usage: postfix reload|check");
                yield 1;
            }
        };
    }
}
