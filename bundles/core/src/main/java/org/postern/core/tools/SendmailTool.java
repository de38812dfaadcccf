// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

import org.postern.api.dict.LookupResult;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.config.PostfixLists;
import org.postern.core.milter.NonSmtpdMilters;
import org.postern.core.pickup.Sendmail;
import org.postern.core.queue.QueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   sendmail for local users: the submitter is the socket peer, never an argument.
 * DESCRIPTION
 *   Deliver mode (-bm, the default) submits through cleanup with the caller's login name as
 *   the default sender (login@$myorigin), after authorized_submit_users; a sender given with
 *   -f or -r must be one local_login_sender_maps gives that login (root and Postern's own user
 *   are exempt, as in Postfix). -bp lists the queue (mailq), -q
 *   flushes it (postqueue -f, -qRsite, -qIqueue_id; -q with an interval is accepted and does
 *   nothing, there being no daemon to run), -bi is newaliases, run by the caller's own process,
 *   -bs an SMTP dialogue on standard input ({@link SmtpOnStandardInput}).
 *   Each accepted message is logged as Postfix's pickup does: "ID: uid=N from=&lt;sender&gt;".
 *   non_smtpd_milters see each message before cleanup commits it ({@link NonSmtpdMilters}).
 * SECURITY  Arguments and the message are untrusted local input; the uid and login name come
 *           from SO_PEERCRED.
 * BUGS      -bs talks to the loopback SMTP listener: see {@link SmtpOnStandardInput}.
 */
final class SendmailTool {

    private static final Logger LOG = LoggerFactory.getLogger("postern.pickup");

    private final QueueStore queue;
    private final QueueTools queueTools;
    private final ToolContext context;
    private final SmtpOnStandardInput smtp;

    SendmailTool(QueueStore queue, QueueTools queueTools, ToolContext context, SmtpOnStandardInput smtp) {
        this.queue = queue;
        this.queueTools = queueTools;
        this.context = context;
        this.smtp = smtp;
    }

    int run(ToolCall call) {
        PrintWriter err = call.err();
        Sendmail.Options options;
        try {
            options = Sendmail.parse(call.args());
        } catch (Sendmail.UsageException e) {
            err.println("sendmail: fatal: " + e.getMessage());
            return Sendmail.EX_USAGE;
        }
        switch (options.mode()) {
            case LIST_QUEUE:
                return queueTools.list(call, false);
            case FLUSH:
                return flush(call, options.flushTarget());
            case NEWALIASES:
                return Tool.RUN_LOCALLY;
            case SMTP:
                return smtp.run(call);
            default:
                return deliver(call, options);
        }
    }

    private int flush(ToolCall call, String target) {
        if (target.startsWith("R")) {
            return queueTools.flush(call, 's', target.substring(1));
        }
        if (target.startsWith("I")) {
            return queueTools.flush(call, 'i', target.substring(1));
        }
        return target.isEmpty() ? queueTools.flush(call, 'f', "") : 0;
    }

    private int deliver(ToolCall call, Sendmail.Options options) {
        PrintWriter err = call.err();
        PostfixConfig main = context.main().orElse(null);
        if (main == null) {
            err.println("sendmail: fatal: no configuration loaded (see postfix check)");
            return Sendmail.EX_TEMPFAIL;
        }
        Caller caller = call.caller();
        Sendmail sendmail;
        try {
            QueueStore cleanup = CleanupQueueStore.create(queue, main, context.tables());
            sendmail = new Sendmail(NonSmtpdMilters.wrap(cleanup, main, context.milters()), main, caller.user(),
                    Clock.systemUTC());
        } catch (ConfigException e) {
            err.println("sendmail: fatal: " + e.getMessage());
            return Sendmail.EX_TEMPFAIL;
        }
        try {
            if (!caller.admin() && !new LoginNameList("authorized_submit_users", main.get("authorized_submit_users"),
                    context.tables()).matches(caller.user())) {
                err.println("sendmail: fatal: User " + caller.describe() + " is not allowed to submit mail");
                return QueueTools.EX_NOPERM;
            }
        } catch (LoginNameList.LookupFailure e) {
            err.println("sendmail: fatal: " + e.getMessage());
            return Sendmail.EX_TEMPFAIL;
        }
        String sender = sendmail.sender(options.sender());
        if (options.sender() != null && !caller.admin()) {
            Boolean owns = ownsSender(main, caller, sender);
            if (owns == null) {
                err.println("sendmail: fatal: local_login_sender_maps: table lookup problem");
                return Sendmail.EX_TEMPFAIL;
            }
            if (!owns) {
                err.println("sendmail: fatal: User " + caller.describe() + " is not allowed to use sender address "
                        + (sender.isEmpty() ? "<>" : sender));
                return QueueTools.EX_NOPERM;
            }
        }
        Sendmail.Result result = sendmail.submit(options, call.stdinReader(), err);
        if (result.status() == Sendmail.EX_OK) {
            LOG.info("{}: uid={} from=<{}>", result.queueId(), caller.uid(), sender);
        }
        return result.status();
    }

    /**
     * local_login_sender_maps: the login name (or "uid:N") maps to the sender addresses that
     * user may use: "*" any, "&lt;&gt;" the null sender, "@domain" any address there. Null on a
     * table failure.
     */
    private Boolean ownsSender(PostfixConfig main, Caller caller, String sender) {
        String key = caller.user().chars().allMatch(Character::isDigit) ? "uid:" + caller.uid() : caller.user();
        for (String table : PostfixLists.split(main.get("local_login_sender_maps"))) {
            LookupResult result = context.tables().lookup(table, key);
            if (result instanceof LookupResult.Found found) {
                return allows(PostfixLists.split(found.value()), sender,
                        main.get("empty_address_local_login_sender_maps_lookup_key"));
            }
            if (!(result instanceof LookupResult.NotFound)) {
                LOG.warn("warning: local_login_sender_maps: {}: {}", table, result);
                return null;
            }
        }
        return false;
    }

    static boolean allows(List<String> owned, String sender, String nullSenderName) {
        String wanted = sender.toLowerCase(Locale.ROOT);
        for (String entry : owned) {
            String e = entry.toLowerCase(Locale.ROOT);
            if (e.equals("*")
                    || (sender.isEmpty() && e.equals(nullSenderName.toLowerCase(Locale.ROOT)))
                    || (!sender.isEmpty() && e.equals(wanted))
                    || (e.startsWith("@") && wanted.endsWith(e))) {
                return true;
            }
        }
        return false;
    }
}
