// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.PathTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Where a virtual recipient's mail goes, and as whom (virtual(8) table lookups).
 * DESCRIPTION
 *   virtual_mailbox_maps, virtual_uid_maps and virtual_gid_maps are each searched with
 *   user+ext@domain (with an extension), user@domain, then @domain (catch-all); within a
 *   key, the tables of a list in order. No mailbox entry: 5.1.1 unknown user. A table
 *   that fails, a missing uid/gid entry, a uid below virtual_minimum_uid or a path that is
 *   not absolute: deferred (4.3.0 mail system configuration error, details in the log).
 *   The path is virtual_mailbox_base + "/" + the table value, or, when set, the expansion
 *   of virtual_mailbox_path with ${user}, ${extension}, ${local}, ${domain}, ${recipient},
 *   ${mailbox} (the table value) and any main.cf parameter such as ${virtual_mailbox_base}.
 *   A path ending in "/" is a maildir, else an mbox file.
 * SECURITY  With a catch-all, the local part is the sender's choice: in virtual_mailbox_path
 *   attribute values lose "/" and characters outside forward_expansion_filter's default
 *   set, and a path with "." or ".." segments is refused (5.1.3).
 */
final class MailboxFinder {

    private static final Logger LOG = LoggerFactory.getLogger("postern.virtual");
    private static final String VALUE_FILTER =
            "1234567890!@%-_=+:,.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /** The mailbox and its owner. */
    record Mailbox(Path path, boolean maildir, MailboxOwner owner) {
    }

    /** A lookup answer: the mailbox, or what to tell the sender. */
    record Found(Mailbox mailbox, DeliveryStatus failure) {
    }

    private final DictRegistry registry;
    private final VirtualSettings settings;
    private final org.postern.api.delivery.ServiceSettings parameters;

    MailboxFinder(DictRegistry registry, VirtualSettings settings, org.postern.api.delivery.ServiceSettings parameters) {
        this.registry = registry;
        this.settings = settings;
        this.parameters = parameters;
    }

    Found find(VirtualAddress address) {
        try {
            Optional<String> mailbox = lookup(settings.mailboxMaps(), address);
            if (mailbox.isEmpty()) {
                return failure(DeliveryStatus.bounced("5.1.1", "unknown user: \"" + address.address() + "\""));
            }
            int uid = id(settings.uidMaps(), address, "virtual_uid_maps");
            int gid = id(settings.gidMaps(), address, "virtual_gid_maps");
            if (uid < settings.minimumUid()) {
                LOG.warn("recipient {}: bad uid {} in virtual_uid_maps (virtual_minimum_uid is {})",
                        address.address(), uid, settings.minimumUid());
                return configurationError();
            }
            String text = path(address, mailbox.get());
            if (text == null) {
                return failure(DeliveryStatus.bounced("5.1.3", "bad address syntax"));
            }
            if (!text.startsWith("/")) {
                LOG.warn("recipient {}: mailbox path is not absolute: {}", address.address(), text);
                return configurationError();
            }
            return new Found(new Mailbox(Path.of(text), text.endsWith("/"), new MailboxOwner(uid, gid)), null);
        } catch (LookupFailure e) {
            return e.status;
        }
    }

    private String path(VirtualAddress address, String mailbox) {
        if (settings.mailboxPath().isEmpty()) {
            return settings.mailboxBase().isEmpty() ? mailbox : settings.mailboxBase() + "/" + mailbox;
        }
        PathTemplate.Result result = new PathTemplate(name -> switch (name) {
            case "user" -> clean(address.user());
            case "extension" -> clean(address.extension());
            case "local" -> clean(address.local());
            case "domain" -> clean(address.domain());
            case "recipient" -> clean(address.address());
            case "mailbox" -> mailbox;
            default -> parameters.get(name);
        }, null).expand(settings.mailboxPath());
        for (String segment : result.text().split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                LOG.warn("recipient {}: refusing mailbox path with \"{}\": {}", address.address(), segment, result.text());
                return null;
            }
        }
        return result.text();
    }

    /** An envelope value fit for a path: "/" and other characters outside the filter become "_". */
    private static String clean(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            b.append(VALUE_FILTER.indexOf(c) >= 0 ? c : '_');
        }
        return b.toString();
    }

    private int id(List<String> maps, VirtualAddress address, String parameter) throws LookupFailure {
        Optional<String> value = lookup(maps, address);
        if (value.isEmpty()) {
            LOG.warn("recipient {}: not found in {}", address.address(), parameter);
            throw new LookupFailure(configurationError());
        }
        try {
            return Integer.parseInt(value.get().strip());
        } catch (NumberFormatException e) {
            LOG.warn("recipient {}: bad {} value: {}", address.address(), parameter, value.get());
            throw new LookupFailure(configurationError());
        }
    }

    private Optional<String> lookup(List<String> maps, VirtualAddress address) throws LookupFailure {
        for (String key : address.keys()) {
            for (String spec : maps) {
                LookupResult result = registry.open(spec, Set.of(DictFlag.FOLD_CASE)).lookup(key);
                if (result.isFailure()) {
                    LOG.warn("recipient {}: {} lookup failed: {}", address.address(), spec, result);
                    throw new LookupFailure(failure(DeliveryStatus.deferred("4.3.0", "table lookup failure")));
                }
                if (result.foundValue().isPresent()) {
                    return result.foundValue();
                }
            }
        }
        return Optional.empty();
    }

    private static Found failure(DeliveryStatus status) {
        return new Found(null, status);
    }

    private static Found configurationError() {
        return failure(DeliveryStatus.deferred("4.3.0", "mail system configuration error"));
    }

    /** Carries a lookup's failure out of nested loops. */
    private static final class LookupFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Found status;

        LookupFailure(Found status) {
            super(null, null, false, false);
            this.status = status;
        }
    }
}
