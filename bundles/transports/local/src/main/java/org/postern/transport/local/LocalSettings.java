// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.ServiceSettings;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxParameters;

/**
 * SUMMARY   The main.cf parameters local(8) reads, validated.
 * CONFIGURATION PARAMETERS
 *   The agent's own, declared with their defaults in {@link LocalParameters}; the lock and
 *   original-recipient ones it shares with virtual(8) (MailboxParameters); core's alias_maps,
 *   recipient_delimiter, command_time_limit, export_environment, myhostname, myorigin.
 */
record LocalSettings(List<String> aliasMaps, String passwdMaps, String recipientDelimiter, String forwardPath,
                     String forwardFilter, List<String> mailboxTransportMaps, String mailboxTransport,
                     List<String> fallbackTransportMaps, String fallbackTransport,
                     List<String> mailboxCommandMaps, String mailboxCommand,
                     String luserRelay, String homeMailbox, String spoolDirectory, LockSettings locks,
                     long mailboxSizeLimit, String defaultPrivs, String commandShell, Duration commandTimeLimit,
                     List<String> exportEnvironment, Set<Source> allowCommands, Set<Source> allowFiles,
                     Set<DeliveredHeaderContext> prependDelivered, boolean expandOwnerAlias,
                     boolean originalRecipientHeader, String myhostname, String myorigin) {

    /** Where a destination came from (allow_mail_to_commands, allow_mail_to_files). */
    enum Source { ALIAS, FORWARD, INCLUDE }

    /** Where Delivered-To: is prepended besides mailboxes (prepend_delivered_header). */
    enum DeliveredHeaderContext { COMMAND, FILE, FORWARD }

    static LocalSettings from(ServiceSettings s) {
        String hostname = s.get("myhostname", "localhost");
        return new LocalSettings(
                s.get("alias_maps") == null ? List.of("lmdb:/etc/aliases") : s.list("alias_maps"),
                s.string(LocalParameters.PASSWD_MAPS),
                s.get("recipient_delimiter", ""),
                s.string(LocalParameters.FORWARD_PATH),
                s.string(LocalParameters.FORWARD_EXPANSION_FILTER),
                s.list(LocalParameters.MAILBOX_TRANSPORT_MAPS),
                s.string(LocalParameters.MAILBOX_TRANSPORT).strip(),
                s.list(LocalParameters.FALLBACK_TRANSPORT_MAPS),
                s.string(LocalParameters.FALLBACK_TRANSPORT).strip(),
                s.list(LocalParameters.MAILBOX_COMMAND_MAPS),
                s.string(LocalParameters.MAILBOX_COMMAND).strip(),
                s.string(LocalParameters.LUSER_RELAY).strip(),
                s.string(LocalParameters.HOME_MAILBOX),
                s.string(LocalParameters.MAIL_SPOOL_DIRECTORY),
                LockSettings.from(s, LocalParameters.MAILBOX_DELIVERY_LOCK),
                s.size(LocalParameters.MAILBOX_SIZE_LIMIT),
                s.string(LocalParameters.DEFAULT_PRIVS),
                s.string(LocalParameters.LOCAL_COMMAND_SHELL),
                s.time("command_time_limit", Duration.ofSeconds(1000)),
                s.get("export_environment") == null ? List.of("TZ", "MAIL_CONFIG", "LANG") : s.list("export_environment"),
                sources(s.list(LocalParameters.ALLOW_MAIL_TO_COMMANDS)),
                sources(s.list(LocalParameters.ALLOW_MAIL_TO_FILES)),
                deliveredContexts(s.list(LocalParameters.PREPEND_DELIVERED_HEADER)),
                s.bool(LocalParameters.EXPAND_OWNER_ALIAS),
                s.bool(MailboxParameters.ENABLE_ORIGINAL_RECIPIENT),
                hostname,
                s.get("myorigin", hostname));
    }

    private static Set<Source> sources(List<String> words) {
        Set<Source> out = EnumSet.noneOf(Source.class);
        for (String w : words) {
            switch (w.toLowerCase(Locale.ROOT)) {
                case "alias" -> out.add(Source.ALIAS);
                case "forward" -> out.add(Source.FORWARD);
                case "include" -> out.add(Source.INCLUDE);
                default -> { }
            }
        }
        return out;
    }

    private static Set<DeliveredHeaderContext> deliveredContexts(List<String> words) {
        Set<DeliveredHeaderContext> out = EnumSet.noneOf(DeliveredHeaderContext.class);
        for (String w : words) {
            switch (w.toLowerCase(Locale.ROOT)) {
                case "command" -> out.add(DeliveredHeaderContext.COMMAND);
                case "file" -> out.add(DeliveredHeaderContext.FILE);
                case "forward" -> out.add(DeliveredHeaderContext.FORWARD);
                default -> { }
            }
        }
        return out;
    }
}
