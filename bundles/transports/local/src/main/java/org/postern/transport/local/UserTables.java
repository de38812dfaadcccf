// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.transport.delivery.MailboxOwner;

/**
 * SUMMARY   The tables local(8) consults: alias_maps, the passwd table (local_passwd_maps),
 *           mailbox_transport_maps, fallback_transport_maps and mailbox_command_maps.
 * DESCRIPTION
 *   Aliases are looked up in each of alias_maps in order, case folded; the first table that
 *   has the key answers. mailbox_transport_maps, fallback_transport_maps and
 *   mailbox_command_maps are searched the same way by user name (the local part without its
 *   extension), as local(8) does. Users are looked up by name in local_passwd_maps
 *   (default unix:passwd.byname, i.e. /etc/passwd), whose value is the passwd line. A temporary
 *   failure or configuration error of any table consulted is a {@link TableFailure}: the
 *   recipient is deferred, never bounced.
 * SECURITY  Keys are local parts from the envelope.
 */
final class UserTables {

    /** A table did not answer; the message must wait. */
    static final class TableFailure extends Exception {
        private static final long serialVersionUID = 1L;

        TableFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** An alias and the table that holds it. */
    record Alias(String value, String table) {
    }

    private final DictRegistry registry;
    private final LocalSettings settings;

    UserTables(DictRegistry registry, LocalSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    Optional<Alias> alias(String name) throws TableFailure {
        for (String spec : settings.aliasMaps()) {
            LookupResult result = registry.open(spec, Set.of(DictFlag.FOLD_CASE)).lookup(name);
            if (result.isFailure()) {
                throw new TableFailure("alias database unavailable");
            }
            if (result.foundValue().isPresent()) {
                return Optional.of(new Alias(result.foundValue().get(), spec));
            }
        }
        return Optional.empty();
    }

    Optional<PasswdEntry> user(String name) throws TableFailure {
        LookupResult result = registry.open(settings.passwdMaps(), Set.of()).lookup(name);
        if (result.isFailure()) {
            throw new TableFailure("user lookup failure");
        }
        if (result.foundValue().isEmpty()) {
            return Optional.empty();
        }
        PasswdEntry entry = PasswdEntry.parse(result.foundValue().get());
        if (entry == null) {
            throw new TableFailure("user lookup failure");
        }
        return Optional.of(entry);
    }

    /** The user's command from mailbox_command_maps, taken as written; empty when no table has one. */
    Optional<String> mailboxCommand(String user) throws TableFailure {
        return first(settings.mailboxCommandMaps(), user);
    }

    /** The user's transport:nexthop from mailbox_transport_maps; empty when no table has one. */
    Optional<String> mailboxTransport(String user) throws TableFailure {
        return first(settings.mailboxTransportMaps(), user);
    }

    /** The unknown user's transport:nexthop from fallback_transport_maps; empty when no table has one. */
    Optional<String> fallbackTransport(String user) throws TableFailure {
        return first(settings.fallbackTransportMaps(), user);
    }

    /** The first non-blank value of {@code key} in {@code specs}, stripped. */
    private Optional<String> first(List<String> specs, String key) throws TableFailure {
        for (String spec : specs) {
            LookupResult result = registry.open(spec, Set.of(DictFlag.FOLD_CASE)).lookup(key);
            if (result.isFailure()) {
                throw new TableFailure("table lookup failure");
            }
            if (result.foundValue().isPresent() && !result.foundValue().get().isBlank()) {
                return Optional.of(result.foundValue().get().strip());
            }
        }
        return Optional.empty();
    }

    /** The default_privs user, who runs commands and writes files for root and root-owned aliases. */
    PasswdEntry defaultPrivileges() throws TableFailure {
        Optional<PasswdEntry> found = user(settings.defaultPrivs());
        if (found.isEmpty() && !MailboxOwner.processIsRoot()) {
            return new PasswdEntry(settings.defaultPrivs(), -1, -1, Path.of("/"), "");
        }
        PasswdEntry entry = found.orElseThrow(() -> new TableFailure("mail system configuration error"));
        if (entry.uid() == 0) {
            throw new TableFailure("mail system configuration error");
        }
        return entry;
    }

    /**
     * Whose rights an alias's commands and files get: the owner of the table's file when that
     * is not root, else default_privs (aliases(5)).
     */
    PasswdEntry aliasPrivileges(String spec) throws TableFailure {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(colon + 1);
        if (name.startsWith("/")) {
            for (String suffix : List.of("", ".lmdb", ".db", ".cdb")) {
                Path file = Path.of(name + suffix);
                if (Files.isRegularFile(file)) {
                    MailboxOwner owner = FileAccess.ownerOf(file);
                    if (owner != null && owner.uid() != 0) {
                        return new PasswdEntry("#" + owner.uid(), owner.uid(), owner.gid(), Path.of("/"), "");
                    }
                    break;
                }
            }
        }
        return defaultPrivileges();
    }
}
