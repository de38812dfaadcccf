// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.delivery.ServiceSettings;
import org.postern.transport.delivery.LockSettings;

/**
 * SUMMARY   The main.cf parameters local(8) reads, with Postfix 3.7's defaults.
 * CONFIGURATION PARAMETERS
 *   alias_maps (lmdb:/etc/aliases), local_passwd_maps (Postern: unix:passwd.byname, the
 *   table users come from), recipient_delimiter, forward_path
 *   ($home/.forward${recipient_delimiter}${extension}, $home/.forward),
 *   forward_expansion_filter, mailbox_transport_maps, mailbox_transport,
 *   fallback_transport_maps, fallback_transport (all empty; transport:nexthop),
 *   mailbox_command_maps, mailbox_command (both empty; the
 *   command is taken as written, the shell expands its $VARIABLES), luser_relay (empty;
 *   taken as written, expanded per recipient by {@link LuserRelay}), home_mailbox,
 *   mail_spool_directory (/var/mail),
 *   mailbox_delivery_lock (fcntl, dotlock), deliver_lock_attempts, deliver_lock_delay,
 *   stale_lock_time, mailbox_size_limit (51200000), default_privs (nobody),
 *   local_command_shell (empty: /bin/sh), command_time_limit (1000s), export_environment,
 *   allow_mail_to_commands (alias, forward), allow_mail_to_files (alias, forward),
 *   prepend_delivered_header (command, file, forward), expand_owner_alias (no),
 *   enable_original_recipient (yes), myhostname, myorigin.
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

    static final String DEFAULT_FORWARD_PATH = "$home/.forward${recipient_delimiter}${extension}, $home/.forward";
    static final String DEFAULT_FILTER =
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    static LocalSettings from(ServiceSettings s) {
        String hostname = s.get("myhostname", "localhost");
        return new LocalSettings(
                s.get("alias_maps") == null ? List.of("lmdb:/etc/aliases") : s.list("alias_maps"),
                s.get("local_passwd_maps", "unix:passwd.byname"),
                s.get("recipient_delimiter", ""),
                s.get("forward_path", DEFAULT_FORWARD_PATH),
                s.get("forward_expansion_filter", DEFAULT_FILTER),
                s.list("mailbox_transport_maps"),
                s.get("mailbox_transport", "").strip(),
                s.list("fallback_transport_maps"),
                s.get("fallback_transport", "").strip(),
                s.list("mailbox_command_maps"),
                s.get("mailbox_command", "").strip(),
                s.get("luser_relay", "").strip(),
                s.get("home_mailbox", ""),
                s.get("mail_spool_directory", "/var/mail"),
                LockSettings.from(s, "mailbox_delivery_lock"),
                size(s.get("mailbox_size_limit"), 51_200_000L),
                s.get("default_privs", "nobody"),
                s.get("local_command_shell", ""),
                s.time("command_time_limit", Duration.ofSeconds(1000)),
                s.get("export_environment") == null ? List.of("TZ", "MAIL_CONFIG", "LANG") : s.list("export_environment"),
                sources(s, "allow_mail_to_commands"),
                sources(s, "allow_mail_to_files"),
                deliveredContexts(s),
                s.bool("expand_owner_alias", false),
                s.bool("enable_original_recipient", true),
                hostname,
                s.get("myorigin", hostname));
    }

    private static long size(String value, long defaultValue) {
        try {
            return value == null || value.isBlank() ? defaultValue : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    private static Set<Source> sources(ServiceSettings s, String name) {
        List<String> words = s.get(name) == null ? List.of("alias", "forward") : s.list(name);
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

    private static Set<DeliveredHeaderContext> deliveredContexts(ServiceSettings s) {
        String name = "prepend_delivered_header";
        List<String> words = s.get(name) == null ? List.of("command", "file", "forward") : s.list(name);
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
