// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

import org.postern.api.dict.DictRegistry;
import org.postern.api.support.LogText;
import org.postern.core.cli.Getopt;
import org.postern.core.config.PostfixConfig;
import org.postern.core.qmgr.QueueListing;
import org.postern.core.qmgr.QueueManagerComponent;
import org.postern.core.queue.QueueIds;
import org.postern.core.queue.QueueStore;

/**
 * SUMMARY   mailq and postqueue for local users: list the queue (-p, -j), deliver now (-f, -i, -s).
 * DESCRIPTION
 *   As Postfix's postqueue: listing is for the users in authorized_mailq_users, flushing for
 *   those in authorized_flush_users; root and Postern's own user are always allowed. A refused
 *   user gets Postfix's text and EX_NOPERM (77).
 * SECURITY  The caller's name comes from SO_PEERCRED; queue IDs are checked before use.
 */
final class QueueTools {

    static final int EX_USAGE = 64;
    static final int EX_UNAVAILABLE = 69;
    static final int EX_TEMPFAIL = 75;
    static final int EX_NOPERM = 77;

    private final QueueStore queue;
    private final QueueManagerComponent qmgr;
    private final ToolContext context;

    QueueTools(QueueStore queue, QueueManagerComponent qmgr, ToolContext context) {
        this.queue = queue;
        this.qmgr = qmgr;
        this.context = context;
    }

    /** mailq [-j] (sendmail -bp). */
    int mailq(ToolCall call) {
        return list(call, call.args().contains("-j"));
    }

    /** postqueue -p | -j | -f | -i queue_id | -s site. */
    int postqueue(ToolCall call) {
        PrintWriter err = call.err();
        Getopt.Parsed parsed;
        try {
            parsed = Getopt.parse(call.args(), "cis");
        } catch (Getopt.MissingArgument e) {
            err.println("postqueue: fatal: " + e.getMessage());
            return EX_USAGE;
        }
        List<Getopt.Opt> modes = parsed.options().stream().filter(o -> "fijps".indexOf(o.letter()) >= 0).toList();
        if (modes.size() != 1 || !parsed.operands().isEmpty()) {
            err.println("postqueue: fatal: usage: postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p"
                    + " | postqueue -s site");
            return EX_USAGE;
        }
        Getopt.Opt mode = modes.get(0);
        return switch (mode.letter()) {
            case 'p' -> list(call, false);
            case 'j' -> list(call, true);
            default -> flush(call, mode.letter(), mode.value());
        };
    }

    int list(ToolCall call, boolean json) {
        PrintWriter err = call.err();
        Integer refused = refuse(call, "authorized_mailq_users", "view the mail queue");
        if (refused != null) {
            return refused;
        }
        boolean longIds = context.main().map(m -> "yes".equalsIgnoreCase(m.get("enable_long_queue_ids").trim()))
                .orElse(false);
        try {
            QueueListing.print(queue, longIds, json, call.out());
        } catch (IOException e) {
            err.println("postqueue: fatal: " + e.getMessage());
            return EX_TEMPFAIL;
        }
        return 0;
    }

    /** -f: all deferred mail; -i: one message; -s: one destination. */
    int flush(ToolCall call, char mode, String value) {
        PrintWriter err = call.err();
        Integer refused = refuse(call, "authorized_flush_users", "flush the mail queue");
        if (refused != null) {
            return refused;
        }
        if (!qmgr.running()) {
            err.println("postqueue: fatal: Cannot flush mail queue - mail system is down");
            return EX_UNAVAILABLE;
        }
        switch (mode) {
            case 'f' -> qmgr.flush();
            case 'i' -> {
                if (!QueueIds.isValid(value)) {
                    err.println("postqueue: fatal: invalid queue ID: " + LogText.printable(value));
                    return EX_USAGE;
                }
                qmgr.deliverNow(value);
            }
            default -> qmgr.flushSite(value);
        }
        return 0;
    }

    /** Null when {@code call}'s user is in the list, else the exit status after Postfix's refusal. */
    private Integer refuse(ToolCall call, String parameter, String what) {
        Caller caller = call.caller();
        if (caller.admin()) {
            return null;
        }
        PostfixConfig main = context.main().orElse(null);
        if (main == null) {
            call.err().println("postqueue: fatal: no configuration loaded (see postfix check)");
            return EX_TEMPFAIL;
        }
        DictRegistry tables = context.tables();
        try {
            if (new LoginNameList(parameter, main.get(parameter), tables).matches(caller.user())) {
                return null;
            }
        } catch (LoginNameList.LookupFailure e) {
            call.err().println("postqueue: fatal: " + e.getMessage());
            return EX_TEMPFAIL;
        }
        call.err().println("postqueue: fatal: User " + caller.describe() + " is not allowed to " + what);
        return EX_NOPERM;
    }
}
