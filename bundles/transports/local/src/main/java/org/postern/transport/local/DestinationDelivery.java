// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.SaslFacts;
import org.postern.api.support.LogText;
import org.postern.transport.local.LocalDelivery.Context;
import org.postern.transport.local.LocalDelivery.Target;
import org.postern.transport.local.LocalSettings.DeliveredHeaderContext;
import org.postern.transport.local.LocalSettings.Source;
import org.postern.transport.local.UserTables.TableFailure;
import org.postern.transport.delivery.CopyFlag;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MessageCopier;
import org.postern.transport.delivery.PrefixedContent;
import org.postern.transport.delivery.privileged.HelperUnavailableException;
import org.postern.transport.delivery.privileged.PrivilegedDelivery;
import org.postern.transport.delivery.privileged.UserIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The final steps of local(8): mailbox, maildir, file, command, :include: and forwarding.
 * DESCRIPTION
 *   The mailbox is $home/$home_mailbox when home_mailbox is set, else
 *   $mail_spool_directory/user; a name ending in "/" is a maildir. Mailboxes and files get
 *   the "From " line, Return-Path:, X-Original-To:, Delivered-To: (files only with "file"
 *   in prepend_delivered_header), "&gt;From " quoting and an empty line at the end;
 *   maildir files get the headers only; commands (also mailbox_command) get the "From "
 *   line and headers (Delivered-To: with "command"), and an environment of HOME, LOGNAME,
 *   USER, SHELL, SENDER, RECIPIENT, ORIGINAL_RECIPIENT, LOCAL, DOMAIN, EXTENSION, the
 *   CLIENT_* and SASL_* facts the request carries, and export_environment. Forwarded
 *   addresses are queued as one new message with Delivered-To: prepended ("forward"),
 *   carrying the recipient's NOTIFY and ORCPT (the recipient itself when it had none),
 *   dsn_envid and dsn_ret.
 *   Mailboxes, files, maildirs and commands are written or run as the user through
 *   {@link DeliveryPrivileges}: by this JVM when it is root or that user, else by the
 *   privileged delivery helper (mailboxes in mail_spool_directory are created and locked by
 *   the helper as root, as Postfix's local(8) does).
 * SECURITY  Diagnostics name no paths or commands; the log does (one exception: the deferral
 *   for a missing delivery helper names its socket, so that the administrator finds it).
 */
final class DestinationDelivery {

    private static final Logger LOG = LoggerFactory.getLogger("postern.local");

    /** Command environment variables taken from request attributes, when those are set. */
    private final DeliveryRequest request;
    private final LocalSettings settings;
    private final MessageSubmitter submitter;
    private final CommandDelivery commands;
    private final DeliveryPrivileges privileges;

    DestinationDelivery(DeliveryRequest request, LocalSettings settings, MessageSubmitter submitter,
                        CommandDelivery commands, DeliveryPrivileges privileges) {
        this.request = request;
        this.settings = settings;
        this.submitter = submitter;
        this.commands = commands;
        this.privileges = privileges;
    }

    DeliveryStatus mailbox(Target target, PasswdEntry user) {
        boolean inHome = !settings.homeMailbox().isEmpty();
        String where = inHome ? settings.homeMailbox() : settings.spoolDirectory();
        Path path = inHome ? user.home().resolve(settings.homeMailbox()) : Path.of(settings.spoolDirectory(), user.name());
        PrivilegedDelivery as = privileges.forUser(user);
        UserIdentity identity = DeliveryPrivileges.identity(user);
        try {
            if (where.endsWith("/")) {
                as.deliverMaildir(identity, path, settings.myhostname(), settings.mailboxSizeLimit(),
                        out -> copy(out, target, EnumSet.of(CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT, CopyFlag.DELIVERED_TO)));
                return DeliveryStatus.delivered("delivered to maildir");
            }
            as.appendMbox(identity, path, !inHome, settings.mailboxSizeLimit(), settings.locks(),
                    out -> copy(out, target, mboxFlags(true)));
            return DeliveryStatus.delivered("delivered to mailbox");
        } catch (MailboxException e) {
            return failed(target, "mailbox " + path, e);
        } catch (HelperUnavailableException e) {
            return helperUnavailable(target, user, e);
        }
    }

    DeliveryStatus file(Target target, Path file, Context context) {
        if (file.equals(Path.of("/dev/null"))) {
            return DeliveryStatus.delivered("delivered to file");
        }
        if (!FileAccess.mayWrite(file, context.privileges())) {
            LOG.warn("{}: cannot append to file {} as user {}: permission denied", request.queueId(),
                    LogText.printable(file.toString()), context.privileges().name());
            return DeliveryStatus.bounced("5.2.0", "cannot append message to file: Permission denied");
        }
        PasswdEntry user = context.privileges();
        try {
            privileges.forUser(user).appendMbox(DeliveryPrivileges.identity(user), file, false,
                    settings.mailboxSizeLimit(), settings.locks(),
                    out -> copy(out, target, mboxFlags(settings.prependDelivered().contains(DeliveredHeaderContext.FILE))));
            return DeliveryStatus.delivered("delivered to file");
        } catch (MailboxException e) {
            return failed(target, "file " + file, e);
        } catch (HelperUnavailableException e) {
            return helperUnavailable(target, user, e);
        }
    }

    DeliveryStatus maildir(Target target, Path directory, Context context) {
        if (!FileAccess.mayWriteDirectory(directory, context.privileges())) {
            LOG.warn("{}: cannot deliver to maildir {} as user {}: permission denied", request.queueId(),
                    LogText.printable(directory.toString()), context.privileges().name());
            return DeliveryStatus.bounced("5.2.0", "cannot create maildir file: Permission denied");
        }
        PasswdEntry user = context.privileges();
        try {
            privileges.forUser(user).deliverMaildir(DeliveryPrivileges.identity(user), directory, settings.myhostname(),
                    settings.mailboxSizeLimit(),
                    out -> copy(out, target, EnumSet.of(CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT, CopyFlag.DELIVERED_TO)));
            return DeliveryStatus.delivered("delivered to maildir");
        } catch (MailboxException e) {
            return failed(target, "maildir " + directory, e);
        } catch (HelperUnavailableException e) {
            return helperUnavailable(target, user, e);
        }
    }

    DeliveryStatus command(Target target, String command, Context context) {
        return runCommand(target, command, context.privileges());
    }

    /**
     * mailbox_command or a mailbox_command_maps entry, run as {@code as} (the recipient, or
     * default_privs for root) exactly like a "|command" destination, but not subject to
     * allow_mail_to_commands.
     */
    DeliveryStatus mailboxCommand(Target target, String command, PasswdEntry as) {
        return runCommand(target, command, as);
    }

    private DeliveryStatus runCommand(Target target, String command, PasswdEntry as) {
        Set<CopyFlag> flags = EnumSet.of(CopyFlag.FROM_LINE, CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT);
        if (settings.prependDelivered().contains(DeliveredHeaderContext.COMMAND)) {
            flags.add(CopyFlag.DELIVERED_TO);
        }
        DeliveryStatus status = commands.run(command, as, environment(target, as),
                settings.commandShell(), settings.commandTimeLimit(), out -> copy(out, target, flags), privileges);
        if (status.outcome() != org.postern.api.delivery.RecipientResult.Outcome.DELIVERED) {
            LOG.warn("{}: to=<{}>: command \"{}\" as user {}: {}", request.queueId(),
                    LogText.printable(target.recipient().address()), LogText.printable(command),
                    as.name(), status.text());
        }
        return status;
    }

    DeliveryStatus include(LocalDelivery expander, Target target, Path file, Context context) throws TableFailure {
        if (context.depth() >= LocalDelivery.INCLUDE_NESTING_LIMIT) {
            return DeliveryStatus.bounced("5.4.6", "include nesting too deep");
        }
        if (!file.isAbsolute() || !Files.isRegularFile(file) || !FileAccess.mayRead(file, context.privileges())) {
            LOG.warn("{}: cannot open include file {} as user {}", request.queueId(),
                    LogText.printable(file.toString()), context.privileges().name());
            return DeliveryStatus.bounced("5.3.0", "cannot open include file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return DeliveryStatus.deferred("4.3.0", "cannot read include file");
        }
        PasswdEntry privileges = context.privileges();
        MailboxOwner owner = FileAccess.ownerOf(file);
        if (owner != null && owner.uid() != 0 && owner.uid() != privileges.uid()) {
            privileges = new PasswdEntry("#" + owner.uid(), owner.uid(), owner.gid(), Path.of("/"), "");
        }
        return expander.expand(target, Destination.parseFile(lines),
                new Context(Source.INCLUDE, privileges, context.sender(), context.selfName(), context.depth() + 1));
    }

    DeliveryStatus forward(Target target, List<String> addresses, String sender) {
        if (submitter == null) {
            return DeliveryStatus.deferred("4.3.0", "cannot forward: mail submission service unavailable");
        }
        Recipient original = target.recipient();
        String orcpt = original.originalRecipient().isEmpty() ? "rfc822;" + xtext(original.address()) : original.originalRecipient();
        List<Recipient> recipients = addresses.stream()
                .map(a -> new Recipient(a, orcpt, original.notifyOn())).toList();
        byte[] prefix = settings.prependDelivered().contains(DeliveredHeaderContext.FORWARD)
                ? ("Delivered-To: " + original.address().toLowerCase(Locale.ROOT) + "\r\n").getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        try {
            String queueId = submitter.submit(sender, recipients, new PrefixedContent(prefix, request.content()),
                    request.facts().dsn());
            return DeliveryStatus.expanded("forwarded as " + queueId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: to=<{}>: cannot forward: {}", request.queueId(),
                    LogText.printable(original.address()), LogText.printable(e.toString()));
            return DeliveryStatus.deferred("4.3.0", "cannot forward message");
        }
    }

    private Map<String, String> environment(Target target, PasswdEntry who) {
        Map<String, String> env = new HashMap<>();
        for (String item : settings.exportEnvironment()) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                env.put(item.substring(0, eq), item.substring(eq + 1));
            } else if (System.getenv(item) != null) {
                env.put(item, System.getenv(item));
            }
        }
        LocalAddress address = target.address();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", who.home().toString());
        env.put("LOGNAME", who.name());
        env.put("USER", who.name());
        env.put("SHELL", who.shell());
        env.put("SENDER", request.sender());
        env.put("RECIPIENT", target.recipient().address());
        env.put("ORIGINAL_RECIPIENT", MessageCopier.originalRecipient(target.recipient()));
        env.put("LOCAL", address.local());
        env.put("DOMAIN", address.domain());
        env.put("EXTENSION", address.extension());
        // what smtpd learned about the client, when the message came that way (Postfix exports these too)
        ClientFacts client = request.facts().client();
        SaslFacts sasl = request.facts().sasl();
        Map.of("CLIENT_ADDRESS", client.address(), "CLIENT_HOSTNAME", client.name(), "CLIENT_HELO", client.heloName(),
                "CLIENT_PROTOCOL", client.protocol(), "SASL_METHOD", sasl.method(), "SASL_USERNAME", sasl.username(),
                "SASL_SENDER", sasl.sender()).forEach((variable, value) -> {
                    if (!value.isEmpty()) {
                        env.put(variable, value);
                    }
                });
        return env;
    }

    private static Set<CopyFlag> mboxFlags(boolean deliveredTo) {
        Set<CopyFlag> flags = EnumSet.of(CopyFlag.FROM_LINE, CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT,
                CopyFlag.QUOTE_FROM, CopyFlag.BLANK_LINE);
        if (deliveredTo) {
            flags.add(CopyFlag.DELIVERED_TO);
        }
        return flags;
    }

    private void copy(java.io.OutputStream out, Target target, Set<CopyFlag> flags) throws IOException {
        MessageCopier.Envelope envelope = new MessageCopier.Envelope(request.sender(),
                settings.originalRecipientHeader() ? MessageCopier.originalRecipient(target.recipient()) : "", target.recipient().address());
        MessageCopier.copy(request.content(), out, flags, envelope, ZonedDateTime.now());
    }

    /** RFC 3461 xtext: "+", "=" and characters outside "!".."~" as +HH. */
    static String xtext(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < '!' || c > '~' || c == '+' || c == '=') {
                b.append('+').append(String.format("%02X", (int) c & 0xff));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private DeliveryStatus helperUnavailable(Target target, PasswdEntry user, HelperUnavailableException e) {
        LOG.warn("{}: to=<{}>: {}", request.queueId(), LogText.printable(target.recipient().address()),
                LogText.printable(e.getMessage()));
        return privileges.unavailable(user);
    }

    private DeliveryStatus failed(Target target, String what, MailboxException e) {
        LOG.warn("{}: to=<{}>: {}: {}{}", request.queueId(), LogText.printable(target.recipient().address()),
                LogText.printable(what), e.getMessage(), e.getCause() == null ? "" : " (" + e.getCause() + ")");
        return DeliveryStatus.of(e);
    }
}
