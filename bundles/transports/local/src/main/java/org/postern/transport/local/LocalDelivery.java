// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.support.LogText;
import org.postern.transport.local.LocalSettings.Source;
import org.postern.transport.local.UserTables.Alias;
import org.postern.transport.local.UserTables.TableFailure;
import org.postern.transport.delivery.DeliveredToHeaders;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.privileged.HelperUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Decides, for each recipient of one request, what local(8) would do with it.
 * DESCRIPTION
 *   In order: a recipient already named in a Delivered-To: header bounces (5.4.6 mail
 *   forwarding loop); an alias (the local part with its extension, then without) is
 *   expanded, with "owner-alias" as the envelope sender when that alias exists; else the
 *   user must be in the passwd table, and that user's .forward file is expanded, or the
 *   message goes to the mailbox: the user's mailbox_transport_maps entry, else
 *   mailbox_transport (both handed to that master.cf service, {@link TransportHandoff}),
 *   else the user's mailbox_command_maps entry, else mailbox_command, else the mbox or
 *   maildir. A recipient that is neither an alias nor a user is handed to its
 *   fallback_transport_maps entry, else to fallback_transport, else queued anew for the
 *   luser_relay address when that is set ({@link LuserRelay}),
 *   else, for postmaster and MAILER-DAEMON, discarded with a "required alias not found"
 *   warning, else bounced (5.1.1 unknown user). Expansions give addresses, which are queued anew as
 *   one new message (the recipient's outcome is then EXPANDED), and commands, files,
 *   maildirs and :include: files, delivered here ({@link DestinationDelivery}). "\\user",
 *   and a user naming itself, go to that user's mailbox (which may be mailbox_command)
 *   without further expansion.
 * SECURITY  The envelope and alias/.forward contents are untrusted; commands and files run
 *   with the rights of the alias table owner (default_privs for root), the user, or the
 *   :include: file owner; allow_mail_to_commands and allow_mail_to_files are enforced.
 *   mailbox_command is the administrator's: it runs as the user (default_privs for root),
 *   is not subject to allow_mail_to_commands, and its text is never $name-expanded, so
 *   that the envelope never reaches the shell as text (use "$EXTENSION", not $extension).
 * BUGS      A recipient whose expansion partly bounces is reported as
 *   bounced, although the addresses in it were forwarded.
 */
final class LocalDelivery {

    private static final Logger LOG = LoggerFactory.getLogger("postern.local");
    static final int INCLUDE_NESTING_LIMIT = 10;

    /** The recipient being delivered, as given and as split. */
    record Target(Recipient recipient, LocalAddress address) {
    }

    /** The expansion context: where destinations came from, whose rights they get, the sender of forwarded copies. */
    record Context(Source source, PasswdEntry privileges, String sender, String selfName, int depth) {
    }

    private final DeliveryRequest request;
    private final LocalSettings settings;
    private final UserTables tables;
    private final DeliveredToHeaders delivered;
    private final DestinationDelivery destinations;
    private final TransportHandoff handoff;
    private final DeliveryPrivileges privileges;

    LocalDelivery(DeliveryRequest request, LocalSettings settings, UserTables tables, DeliveredToHeaders delivered,
                  DestinationDelivery destinations, TransportHandoff handoff, DeliveryPrivileges privileges) {
        this.request = request;
        this.settings = settings;
        this.tables = tables;
        this.delivered = delivered;
        this.destinations = destinations;
        this.handoff = handoff;
        this.privileges = privileges;
    }

    /** The recipient's result; relay {@code local}, or the target's when a transport took it. */
    RecipientResult result(Recipient recipient, String relay) {
        DeliveryStatus status = deliver(recipient);
        return status.toResult(recipient, handoff.relay(status, relay));
    }

    DeliveryStatus deliver(Recipient recipient) {
        LocalAddress address = LocalAddress.parse(recipient.address(), settings.recipientDelimiter());
        Target target = new Target(recipient, address);
        if (delivered.contains(recipient.address())) {
            return DeliveryStatus.bounced("5.4.6", "mail forwarding loop for " + recipient.address());
        }
        try {
            for (String key : address.aliasKeys()) {
                Optional<Alias> alias = tables.alias(key);
                if (alias.isPresent()) {
                    return expandAlias(target, key, alias.get());
                }
            }
            Optional<PasswdEntry> user = tables.user(address.user());
            if (user.isEmpty()) {
                return unknownUser(target, address);
            }
            return deliverToUser(target, user.get());
        } catch (TableFailure e) {
            return DeliveryStatus.deferred("4.3.0", e.getMessage());
        }
    }

    private DeliveryStatus expandAlias(Target target, String name, Alias alias) throws TableFailure {
        String sender = request.sender();
        Optional<Alias> owner = tables.alias("owner-" + name);
        if (owner.isPresent()) {
            sender = ownerSender(name, owner.get());
        }
        PasswdEntry privileges = tables.aliasPrivileges(alias.table());
        return expand(target, Destination.parseList(alias.value()), new Context(Source.ALIAS, privileges, sender, name, 0));
    }

    /** "owner-name@myorigin", or with expand_owner_alias the owner alias's first address. */
    private String ownerSender(String name, Alias owner) {
        if (settings.expandOwnerAlias()) {
            for (Destination d : Destination.parseList(owner.value())) {
                if (d instanceof Destination.Address a && !a.direct()) {
                    return qualify(a.address());
                }
            }
        }
        return qualify("owner-" + name);
    }

    private DeliveryStatus deliverToUser(Target target, PasswdEntry user) throws TableFailure {
        Optional<List<String>> forward;
        try {
            forward = ForwardFiles.read(settings, user, target.address(), privileges.forUser(user));
        } catch (HelperUnavailableException e) {
            LOG.warn("cannot read .forward of user {}: {}", user.name(), LogText.printable(e.getMessage()));
            return privileges.unavailable(user);
        } catch (IOException e) {
            LOG.warn("cannot read .forward of user {}: {}", user.name(), e.toString());
            return DeliveryStatus.deferred("4.3.0", "cannot read forward file");
        }
        if (forward.isPresent()) {
            List<Destination> list = Destination.parseFile(forward.get());
            if (!list.isEmpty()) {
                return expand(target, list, new Context(Source.FORWARD, runAs(user), request.sender(), user.name(), 0));
            }
        }
        return mailbox(target, user);
    }

    /**
     * The mailbox step: mailbox_transport_maps, then mailbox_transport, then mailbox_command_maps,
     * then mailbox_command, then the mbox or maildir.
     */
    private DeliveryStatus mailbox(Target target, PasswdEntry user) throws TableFailure {
        Optional<String> transport = tables.mailboxTransport(user.name());
        if (transport.isPresent()) {
            return handoff.deliver(target, transport.get(), "mailbox_transport_maps");
        }
        if (!settings.mailboxTransport().isEmpty()) {
            return handoff.deliver(target, settings.mailboxTransport(), "mailbox_transport");
        }
        Optional<String> command = tables.mailboxCommand(user.name());
        if (command.isEmpty() && !settings.mailboxCommand().isEmpty()) {
            command = Optional.of(settings.mailboxCommand());
        }
        if (command.isPresent()) {
            return destinations.mailboxCommand(target, command.get(), runAs(user));
        }
        return destinations.mailbox(target, user);
    }

    /**
     * Neither alias nor user: fallback_transport_maps, then fallback_transport, then queued anew
     * for luser_relay, else bounced.
     */
    private DeliveryStatus unknownUser(Target target, LocalAddress who) throws TableFailure {
        Optional<String> transport = tables.fallbackTransport(who.user());
        if (transport.isPresent()) {
            return handoff.deliver(target, transport.get(), "fallback_transport_maps");
        }
        if (!settings.fallbackTransport().isEmpty()) {
            return handoff.deliver(target, settings.fallbackTransport(), "fallback_transport");
        }
        Optional<String> relay;
        try {
            relay = LuserRelay.address(settings, who);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: luser_relay: {}", request.queueId(), LogText.printable(e.getMessage()));
            return DeliveryStatus.deferred("4.3.5", "mail system configuration error");
        }
        if (relay.isPresent()) {
            return destinations.forward(target, List.of(qualify(relay.get())), request.sender());
        }
        if (who.user().equalsIgnoreCase("postmaster") || who.user().equalsIgnoreCase("MAILER-DAEMON")) {
            // Postfix's local(8): a missing required alias must not bounce (the bounce would go nowhere useful).
            LOG.warn("required alias not found: {}", LogText.printable(who.user()));
            return DeliveryStatus.delivered("discarded");
        }
        return DeliveryStatus.bounced("5.1.1", "unknown user: \"" + LogText.printable(who.user()) + "\"");
    }

    /** Root's commands and files run as default_privs. */
    private PasswdEntry runAs(PasswdEntry user) throws TableFailure {
        return user.uid() == 0 ? tables.defaultPrivileges() : user;
    }

    /** Delivers or forwards each destination; forwards the addresses together at the end. */
    DeliveryStatus expand(Target target, List<Destination> list, Context context) throws TableFailure {
        List<DeliveryStatus> results = new ArrayList<>();
        Set<String> forwards = new LinkedHashSet<>();
        for (Destination d : list) {
            if (d instanceof Destination.Address a) {
                if (a.direct() || isSelf(a.address(), target, context)) {
                    results.add(toMailbox(target, a.address()));
                } else {
                    forwards.add(qualify(a.address()));
                }
            } else if (d instanceof Destination.Include include) {
                results.add(destinations.include(this, target, include.file(), context));
            } else if (d instanceof Destination.Command command) {
                results.add(restricted(settings.allowCommands(), context, "command")
                        .orElseGet(() -> destinations.command(target, command.command(), context)));
            } else if (d instanceof Destination.File file) {
                results.add(restricted(settings.allowFiles(), context, "file")
                        .orElseGet(() -> destinations.file(target, file.file(), context)));
            } else if (d instanceof Destination.Maildir maildir) {
                results.add(restricted(settings.allowFiles(), context, "file")
                        .orElseGet(() -> destinations.maildir(target, maildir.directory(), context)));
            }
        }
        Optional<DeliveryStatus> deferred = results.stream().filter(DeliveryStatus::isDeferred).findFirst();
        if (deferred.isPresent()) {
            return deferred.get();
        }
        if (!forwards.isEmpty()) {
            results.add(destinations.forward(target, List.copyOf(forwards), context.sender()));
        }
        return combine(results);
    }

    private static Optional<DeliveryStatus> restricted(Set<Source> allowed, Context context, String what) {
        if (allowed.contains(context.source())) {
            return Optional.empty();
        }
        return Optional.of(DeliveryStatus.bounced("5.7.1", "mail to " + what + " is restricted"));
    }

    private DeliveryStatus toMailbox(Target target, String address) throws TableFailure {
        LocalAddress named = LocalAddress.parse(qualify(address), "");
        Optional<PasswdEntry> user = tables.user(named.user());
        if (user.isEmpty()) {
            return unknownUser(target, named);
        }
        return mailbox(target, user.get());
    }

    private static boolean isSelf(String address, Target target, Context context) {
        return address.equalsIgnoreCase(context.selfName()) || address.equalsIgnoreCase(target.recipient().address());
    }

    String qualify(String address) {
        return address.indexOf('@') >= 0 ? address : address + "@" + settings.myorigin();
    }

    private static DeliveryStatus combine(List<DeliveryStatus> results) {
        if (results.isEmpty()) {
            return DeliveryStatus.bounced("5.3.0", "alias expands to no destination");
        }
        for (DeliveryStatus s : results) {
            if (s.isBounced()) {
                return s;
            }
        }
        for (DeliveryStatus s : results) {
            if (s.outcome() == org.postern.api.delivery.RecipientResult.Outcome.EXPANDED) {
                return s;
            }
        }
        return results.get(0);
    }
}
