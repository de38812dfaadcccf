// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.delivery.TransportAgent;
import org.postern.api.support.LogText;
import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.CopyFlag;
import org.postern.transport.delivery.DeliveredToHeaders;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.MessageCopier;
import org.postern.transport.delivery.MessageCopier.FromLine;
import org.postern.transport.delivery.SysExits;
import org.postern.transport.delivery.privileged.DirectDelivery;
import org.postern.transport.delivery.privileged.HelperClient;
import org.postern.transport.delivery.privileged.HelperParameters;
import org.postern.transport.delivery.privileged.HelperUnavailableException;
import org.postern.transport.delivery.privileged.PrivilegedDelivery;
import org.postern.transport.pipe.MacroExpander.MacroSyntaxException;
import org.postern.transport.pipe.PipeAttributes.InvalidAttributesException;
import org.postern.transport.pipe.UnixAccount.AccountException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * SUMMARY   pipe - delivery to external commands (Postfix pipe(8)).
 * DESCRIPTION
 *   master.cf: {@code dovecot unix - n n - - pipe flags=DRhu user=vmail:vmail
 *   argv=/usr/lib/dovecot/dovecot-lda -f ${sender} -d ${user}@${domain}}. The attributes are
 *   {@link PipeAttributes}; argv= words are expanded by {@link MacroExpander} with the values
 *   of {@link CommandMacros}; the message goes to the command's standard input as
 *   {@link MessageCopier} writes it; the command runs without a shell as the user= account
 *   ({@link UnixAccount}: by this JVM when it is root or that user, else by the privileged
 *   delivery helper at delivery_helper_socket, deferred 4.3.0 when that is not running),
 *   with export_environment only, in directory= (default
 *   $queue_directory), within {@code <service>_time_limit} ($command_time_limit).
 *   <p>Recipients: without the M flag each recipient gets its own invocation (the wishlist's
 *   "M flag (enable multi-recipient delivery)"); with M all recipients of the request go to
 *   one invocation, and a word with ${recipient} (or ${user}, ${domain}, ...) becomes one
 *   word per recipient. D and O headers name one recipient, so M with D or O and more than
 *   one recipient is a configuration error (deferred).
 *   <p>Results: exit status 0 is success ("delivered" with the X flag, else "relayed");
 *   output that starts with a 4.X.X or 5.X.X status decides the status; otherwise the
 *   sysexits table ({@link SysExits}): EX_TEMPFAIL and EX_OSERR defer, the other codes and
 *   unknown statuses bounce. The time limit, a signal and failures to start defer.
 *   Reports say "Command died with status 67: first line of output" or "Command time limit
 *   exceeded"; the command path is only logged (the wishlist's privacy item).
 * SECURITY  Envelope addresses and client facts are the remote sender's; they become exec
 *   arguments (never shell text). The command's output is untrusted: truncated, made
 *   printable, only its first line reaches a report. Refuses to run commands as root.
 * CONFIGURATION PARAMETERS
 *   command_time_limit (1000s), {@code <service>_time_limit} ($command_time_limit),
 *   export_environment (TZ MAIL_CONFIG LANG), recipient_delimiter (empty),
 *   queue_directory (working directory when directory= is not given).
 * BUGS      chroot= is not supported (deferred with a warning). The working directory is
 *   entered before the user switch. A process killed by signal N and one that exits with
 *   128+N look the same to the JVM: statuses 129..192 are treated as signals (deferred).
 * SEE ALSO  Postfix pipe(8), sysexits.h.
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("pipe")
public final class PipeDeliveryAgent implements DeliveryAgent {

    private static final Logger LOG = LoggerFactory.getLogger("postern.pipe");
    static final int OUTPUT_LIMIT = 4096;
    private final DirectDelivery direct = new DirectDelivery(new MailboxLocks(), new MaildirFolder());
    /** The JVM's uid: 0 switches users itself; any other needs the helper for other users. */
    private final int processUid;

    public PipeDeliveryAgent() {
        this(MailboxOwner.ofProcess().uid());
    }

    /** For tests: as if the JVM ran as {@code processUid}. */
    PipeDeliveryAgent(int processUid) {
        this.processUid = processUid;
    }
    private static final Pattern ENHANCED_STATUS = Pattern.compile("^([45]\\.\\d{1,3}\\.\\d{1,3})\\s*(.*)$", Pattern.DOTALL);

    @Override
    public DeliveryResult deliver(DeliveryRequest request) {
        MDC.put("postern.queue_id", request.queueId());
        MDC.put("postern.service", request.service());
        try {
            return new DeliveryResult(deliverAll(request));
        } finally {
            MDC.remove("postern.queue_id");
            MDC.remove("postern.service");
        }
    }

    private List<RecipientResult> deliverAll(DeliveryRequest request) {
        List<Recipient> recipients = request.recipients();
        PipeAttributes attributes;
        try {
            attributes = PipeAttributes.parse(request.arguments());
        } catch (InvalidAttributesException e) {
            return configurationError(request, recipients, e.getMessage());
        }
        if (attributes.chroot().isPresent()) {
            return configurationError(request, recipients, "chroot= is not supported");
        }
        if (attributes.sizeLimit() > 0 && request.content().size() > attributes.sizeLimit()) {
            return finish(request, recipients, Outcome.BOUNCED, "5.2.3", "message file too big");
        }
        UnixAccount account;
        try {
            account = UnixAccount.resolve(attributes.user(), attributes.group());
        } catch (AccountException e) {
            return configurationError(request, recipients, e.getMessage());
        } catch (IOException e) {
            LOG.warn("warning: {}: user lookup for {}: {}", request.queueId(), attributes.user(), e.getMessage());
            return finish(request, recipients, Outcome.DEFERRED, "4.3.0", "temporary failure");
        }
        boolean multi = attributes.flags().contains(PipeFlag.MULTI_RECIPIENT);
        if (multi && recipients.size() > 1 && (attributes.flags().contains(PipeFlag.DELIVERED_TO)
                || attributes.flags().contains(PipeFlag.ORIGINAL_TO))) {
            return configurationError(request, recipients, "flags D and O name one recipient: with flag M set "
                    + request.service() + "_destination_recipient_limit = 1");
        }
        HelperClient helper = HelperParameters.client(request.settings());
        AsUser asUser = new AsUser(account, PrivilegedDelivery.choose(account.identity().uid(), processUid, direct, helper),
                helper);
        List<RecipientResult> results = new ArrayList<>();
        if (multi) {
            results.addAll(invoke(request, attributes, asUser, recipients));
        } else {
            for (Recipient r : recipients) {
                results.addAll(invoke(request, attributes, asUser, List.of(r)));
            }
        }
        return results;
    }

    /** The user= account, how to act as it, and the helper that may be asked. */
    private record AsUser(UnixAccount account, PrivilegedDelivery delivery, HelperClient helper) {
    }

    /** One command invocation for {@code group}; every recipient in it gets the same result. */
    private List<RecipientResult> invoke(DeliveryRequest request, PipeAttributes attributes, AsUser asUser,
                                         List<Recipient> group) {
        ServiceSettings settings = request.settings();
        Recipient first = group.get(0);
        boolean single = group.size() == 1;
        if (attributes.flags().contains(PipeFlag.DELIVERED_TO) && single) {
            try {
                if (DeliveredToHeaders.read(request.content(), DeliveredToHeaders.Reading.PHYSICAL_LINES)
                        .contains(first.address())) {
                    return finish(request, group, Outcome.BOUNCED, "5.4.6",
                            "mail forwarding loop for " + first.address());
                }
            } catch (IOException e) {
                return queueFileError(request, group, e);
            }
        }
        String delimiters = settings.get("recipient_delimiter", "");
        List<Map<String, String>> perRecipient = new ArrayList<>();
        for (Recipient r : group) {
            perRecipient.add(CommandMacros.recipient(r, attributes, delimiters));
        }
        List<String> command = new ArrayList<>();
        try {
            command.addAll(MacroExpander.expand(attributes.argv(), CommandMacros.message(request, attributes),
                    perRecipient));
        } catch (MacroSyntaxException e) {
            return configurationError(request, group, e.getMessage());
        }
        Path program = Path.of(command.get(0));
        if (program.isAbsolute() && !Files.isExecutable(program)) {
            return configurationError(request, group, "cannot execute command " + program);
        }
        Path directory = workingDirectory(attributes, settings);
        if (!Files.isDirectory(directory)) {
            return configurationError(request, group, "cannot change to directory " + directory);
        }
        String sender = request.sender().isEmpty() ? attributes.nullSender() : request.sender();
        MessageCopier.Envelope envelope = new MessageCopier.Envelope(sender,
                single ? CommandMacros.originalRecipient(first) : "", single ? first.address() : "");
        Set<CopyFlag> copyFlags = PipeFlag.copyFlags(attributes.flags(), single);
        MessageCopier.Format format = new MessageCopier.Format(attributes.eol(), FromLine.AS_GIVEN);
        ZonedDateTime now = ZonedDateTime.now();
        Duration limit = settings.time(request.service() + "_time_limit",
                settings.time("command_time_limit", Duration.ofSeconds(1000)));
        CommandRunner.Outcome outcome;
        try {
            outcome = asUser.delivery().runCommand(asUser.account().identity(), command, directory, environment(settings),
                    limit, OUTPUT_LIMIT, LingeringOutput.WITHIN_TIME_LIMIT, stdin -> {
                        try (InputStream in = request.content().open()) {
                            MessageCopier.copy(in, stdin, copyFlags, envelope, now, format);
                        }
                    });
        } catch (HelperUnavailableException e) {
            LOG.warn("warning: {}: {}", request.queueId(), LogText.printable(e.getMessage()));
            return finish(request, group, Outcome.DEFERRED, PrivilegedDelivery.UNAVAILABLE_DSN,
                    PrivilegedDelivery.unavailableText("delivery as user " + asUser.account().name(),
                            asUser.helper().socket()));
        } catch (IOException e) {
            LOG.warn("warning: {}: cannot execute command {}: {}", request.queueId(),
                    LogText.printable(attributes.argv().get(0)), e.getMessage());
            return finish(request, group, Outcome.DEFERRED, "4.3.0", "mail system configuration error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(request, group, Outcome.DEFERRED, "4.3.0", "delivery interrupted");
        }
        return classify(request, attributes, group, outcome, limit);
    }

    private List<RecipientResult> classify(DeliveryRequest request, PipeAttributes attributes, List<Recipient> group,
                                           CommandRunner.Outcome outcome, Duration limit) {
        String command = LogText.printable(attributes.argv().get(0));
        String output = firstLine(outcome.output());
        if (outcome.timedOut()) {
            LOG.warn("warning: {}: command {} exceeded the time limit of {}s", request.queueId(), command,
                    limit.toSeconds());
            return finish(request, group, Outcome.DEFERRED, "4.3.0", "Command time limit exceeded");
        }
        int status = outcome.status();
        if (status == 0) {
            Outcome ok = attributes.flags().contains(PipeFlag.FINAL_DELIVERY) ? Outcome.DELIVERED : Outcome.RELAYED;
            String text = "delivered via " + request.service() + " service" + (output.isEmpty() ? "" : " (" + output + ")");
            return finish(request, group, ok, "2.0.0", text);
        }
        LOG.warn("warning: {}: command {} exited with status {}", request.queueId(), command, status);
        Matcher m = ENHANCED_STATUS.matcher(output);
        if (m.matches()) {
            Outcome o = m.group(1).startsWith("4") ? Outcome.DEFERRED : Outcome.BOUNCED;
            return finish(request, group, o, m.group(1), "Command died with status " + status + ": " + m.group(2));
        }
        if (SysExits.isSignal(status)) {
            return finish(request, group, Outcome.DEFERRED, "4.3.0", "Command died with signal " + (status - 128));
        }
        SysExits.Detail d = SysExits.detail(status);
        String text = "Command died with status " + status + ": " + (output.isEmpty() ? d.text() : output);
        return finish(request, group, d.soft() ? Outcome.DEFERRED : Outcome.BOUNCED, d.dsn(), text);
    }

    private static String firstLine(String output) {
        for (String line : output.split("\r?\n")) {
            if (!line.isBlank()) {
                return LogText.printable(line.strip());
            }
        }
        return "";
    }

    private static Path workingDirectory(PipeAttributes attributes, ServiceSettings settings) {
        if (attributes.directory().isPresent()) {
            return Path.of(attributes.directory().get());
        }
        String queue = settings.get("queue_directory");
        if (queue != null && !queue.isBlank() && Files.isDirectory(Path.of(queue))) {
            return Path.of(queue);
        }
        return Path.of("/");
    }

    /** export_environment names with the JVM's values; PATH defaults to the system's basic path. */
    static Map<String, String> environment(ServiceSettings settings) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> names = settings.get("export_environment") == null
                ? List.of("TZ", "MAIL_CONFIG", "LANG") : settings.list("export_environment");
        for (String item : names) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                env.put(item.substring(0, eq), item.substring(eq + 1));
            } else if (System.getenv(item) != null) {
                env.put(item, System.getenv(item));
            }
        }
        env.putIfAbsent("PATH", "/usr/bin:/bin");
        return env;
    }

    private List<RecipientResult> configurationError(DeliveryRequest request, List<Recipient> recipients, String why) {
        LOG.warn("warning: {}: {} service: {}", request.queueId(), request.service(), LogText.printable(why));
        return finish(request, recipients, Outcome.DEFERRED, "4.3.5", "mail system configuration error");
    }

    private List<RecipientResult> queueFileError(DeliveryRequest request, List<Recipient> recipients, IOException e) {
        LOG.warn("warning: {}: cannot read message content: {}", request.queueId(), e.getMessage());
        return finish(request, recipients, Outcome.DEFERRED, "4.3.0", "queue file read error");
    }

    private List<RecipientResult> finish(DeliveryRequest request, List<Recipient> recipients, Outcome outcome,
                                         String dsn, String text) {
        // The queue manager logs the Postfix "to=<...>, relay=..., status=..." line of each result.
        List<RecipientResult> out = new ArrayList<>();
        for (Recipient r : recipients) {
            out.add(new RecipientResult(r, outcome, dsn, text, request.service()));
        }
        return out;
    }
}
