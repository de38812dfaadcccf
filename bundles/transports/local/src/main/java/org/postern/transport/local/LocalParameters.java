// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   The main.cf parameters of local(8), with Postfix 3.7's defaults: declared here only.
 * CONFIGURATION PARAMETERS
 *   local_passwd_maps (Postern: unix:passwd.byname, the table users come from), forward_path
 *   ($home/.forward${recipient_delimiter}${extension}, $home/.forward), forward_expansion_filter, mailbox_transport_maps, mailbox_transport,
 *   fallback_transport_maps, fallback_transport, mailbox_command_maps, mailbox_command,
 *   luser_relay, home_mailbox (all empty; forward_path, mailbox_command and luser_relay are
 *   templates the agent expands itself), mail_spool_directory (/var/mail),
 *   mailbox_delivery_lock (fcntl, dotlock), mailbox_size_limit (51200000), default_privs
 *   (nobody), local_command_shell (empty: /bin/sh), allow_mail_to_commands and
 *   allow_mail_to_files (alias, forward), prepend_delivered_header (command, file, forward),
 *   expand_owner_alias (no). Core keeps what others read too: alias_maps (smtpd's
 *   local_recipient_maps), command_time_limit and export_environment (pipe).
 */
@Component(service = ParameterSet.class)
public final class LocalParameters implements ParameterSet {

    static final Parameter PASSWD_MAPS = Parameter.list("local_passwd_maps", "unix:passwd.byname");
    static final Parameter FORWARD_EXPANSION_FILTER = Parameter.string("forward_expansion_filter",
            "1234567890!@%-_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    static final Parameter MAILBOX_TRANSPORT_MAPS = Parameter.list("mailbox_transport_maps", "");
    static final Parameter MAILBOX_TRANSPORT = Parameter.string("mailbox_transport", "");
    static final Parameter FALLBACK_TRANSPORT_MAPS = Parameter.list("fallback_transport_maps", "");
    static final Parameter FALLBACK_TRANSPORT = Parameter.string("fallback_transport", "");
    static final Parameter MAILBOX_COMMAND_MAPS = Parameter.list("mailbox_command_maps", "");
    /** Taken as written: the shell expands its $VARIABLES. */
    static final Parameter MAILBOX_COMMAND = Parameter.string("mailbox_command", "").withTemplate();
    /** Taken as written, expanded per recipient by {@link LuserRelay}. */
    static final Parameter LUSER_RELAY = Parameter.string("luser_relay", "").withTemplate();
    /** Expanded per recipient ($home, ${extension}). */
    static final Parameter FORWARD_PATH = Parameter.list("forward_path",
            "$home/.forward${recipient_delimiter}${extension}, $home/.forward").withTemplate();
    static final Parameter HOME_MAILBOX = Parameter.string("home_mailbox", "");
    static final Parameter MAIL_SPOOL_DIRECTORY = Parameter.string("mail_spool_directory", "/var/mail");
    static final Parameter MAILBOX_DELIVERY_LOCK = Parameter.list("mailbox_delivery_lock", "fcntl, dotlock");
    static final Parameter MAILBOX_SIZE_LIMIT = Parameter.size("mailbox_size_limit", "51200000", 0);
    static final Parameter DEFAULT_PRIVS = Parameter.string("default_privs", "nobody");
    static final Parameter LOCAL_COMMAND_SHELL = Parameter.string("local_command_shell", "");
    static final Parameter ALLOW_MAIL_TO_COMMANDS = Parameter.list("allow_mail_to_commands", "alias, forward");
    static final Parameter ALLOW_MAIL_TO_FILES = Parameter.list("allow_mail_to_files", "alias, forward");
    static final Parameter PREPEND_DELIVERED_HEADER = Parameter.list("prepend_delivered_header",
            "command, file, forward");
    static final Parameter EXPAND_OWNER_ALIAS = Parameter.bool("expand_owner_alias", "no");

    private static final List<Parameter> ALL = List.of(PASSWD_MAPS, FORWARD_PATH, FORWARD_EXPANSION_FILTER,
            MAILBOX_TRANSPORT_MAPS, MAILBOX_TRANSPORT, FALLBACK_TRANSPORT_MAPS, FALLBACK_TRANSPORT, MAILBOX_COMMAND_MAPS,
            MAILBOX_COMMAND, LUSER_RELAY, HOME_MAILBOX, MAIL_SPOOL_DIRECTORY, MAILBOX_DELIVERY_LOCK, MAILBOX_SIZE_LIMIT,
            DEFAULT_PRIVS, LOCAL_COMMAND_SHELL, ALLOW_MAIL_TO_COMMANDS, ALLOW_MAIL_TO_FILES, PREPEND_DELIVERED_HEADER,
            EXPAND_OWNER_ALIAS);

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }
}
