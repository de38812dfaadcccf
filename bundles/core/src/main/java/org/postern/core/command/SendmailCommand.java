// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.api.dict.DictRegistry;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.PostfixConfig;
import org.postern.core.pickup.Sendmail;
import org.postern.core.queue.QueueStore;
import org.postern.core.runtime.PosternConfiguration;

/**
 * postern:sendmail - Postfix's sendmail: submit the message on standard input through cleanup
 * into the incoming queue. bin/sendmail passes standard input and splits joined values
 * ({@code -fADDR}); the logic is {@link Sendmail}.
 */
@Command(scope = "postern", name = "sendmail",
        description = "Submit a message from standard input, as Postfix's sendmail (-f sender, -t, -i, -oi, -F, -bm)")
@Service
public class SendmailCommand extends PosternAction {

    @Option(name = "-f", aliases = {"-r"}, description = "Envelope sender; '' or '<>' for the null sender")
    String sender;

    @Option(name = "-t", description = "Extract recipients from To:, Cc:, Bcc: (or Resent-*) headers; Bcc: is removed")
    boolean extract;

    @Option(name = "-i", description = "A line with a single '.' does not end the message")
    boolean ignoreDots;

    @Option(name = "-oi", description = "Same as -i")
    boolean ignoreDotsOi;

    @Option(name = "-F", description = "Sender full name (accepted, ignored)")
    String fullName;

    @Option(name = "-bm", description = "Deliver mail (the default mode)")
    boolean deliverMode;

    @Option(name = "-o", description = "Sendmail option x (ignored as by Postfix, except 'i')", multiValued = true)
    List<String> sendmailOptions = new ArrayList<>();

    @Argument(name = "recipients", description = "Envelope recipients", multiValued = true)
    List<String> recipients = new ArrayList<>();

    @Reference
    QueueStore queue;

    @Reference
    PosternConfiguration configuration;

    @Reference
    DictRegistry dicts;

    /** The milter client for non_smtpd_milters; absent, milter_default_action applies. */
    @Reference(optional = true)
    org.postern.api.milter.MilterService milter;

    @Override
    protected int run(PrintWriter out, PrintWriter err) throws Exception {
        List<String> args = new ArrayList<>();
        if (sender != null) {
            args.add("-f");
            args.add(sender);
        }
        if (extract) {
            args.add("-t");
        }
        if (ignoreDots || ignoreDotsOi) {
            args.add("-i");
        }
        if (fullName != null) {
            args.add("-F");
            args.add(fullName);
        }
        for (String o : sendmailOptions) {
            args.add("-o");
            args.add(o);
        }
        args.add("--");
        args.addAll(recipients);
        Sendmail.Options options;
        try {
            options = Sendmail.parse(args);
        } catch (Sendmail.UsageException e) {
            err.println("sendmail: fatal: " + e.getMessage());
            return Sendmail.EX_USAGE;
        }
        var loaded = configuration.current();
        if (loaded.isEmpty()) {
            err.println("sendmail: fatal: no configuration loaded (see postern:check)");
            return Sendmail.EX_TEMPFAIL;
        }
        PostfixConfig main = loaded.get().config().main();
        Sendmail sendmail = new Sendmail(org.postern.core.milter.NonSmtpdMilters.wrap(
                CleanupQueueStore.create(queue, main, dicts), main, () -> milter), main,
                System.getProperty("user.name"), Clock.systemUTC());
        return sendmail.submit(options, stdin(), err).status();
    }
}
