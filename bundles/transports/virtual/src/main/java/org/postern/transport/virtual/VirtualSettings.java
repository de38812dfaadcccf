// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.util.List;

import org.postern.api.delivery.ServiceSettings;
import org.postern.transport.delivery.LockSettings;

/**
 * SUMMARY   The main.cf parameters virtual(8) reads, with Postfix 3.7's defaults.
 * CONFIGURATION PARAMETERS
 *   virtual_mailbox_maps, virtual_mailbox_base, virtual_uid_maps, virtual_gid_maps,
 *   virtual_minimum_uid (100), virtual_mailbox_limit (51200000; 0 = none; mbox only),
 *   virtual_mailbox_lock (fcntl, dotlock), deliver_lock_attempts, deliver_lock_delay,
 *   stale_lock_time, recipient_delimiter, myhostname, enable_original_recipient, and
 *   Postern's virtual_mailbox_path (default empty): a template like forward_path giving
 *   the mailbox path itself, e.g. "${virtual_mailbox_base}/${domain}/${user}/Maildir/",
 *   used instead of the virtual_mailbox_maps value when set.
 */
record VirtualSettings(List<String> mailboxMaps, String mailboxBase, List<String> uidMaps, List<String> gidMaps,
                       int minimumUid, long mailboxLimit, LockSettings locks, String mailboxPath,
                       String recipientDelimiter, String myhostname, boolean originalRecipientHeader) {

    static VirtualSettings from(ServiceSettings s) {
        return new VirtualSettings(s.list("virtual_mailbox_maps"), s.get("virtual_mailbox_base", ""),
                s.list("virtual_uid_maps"), s.list("virtual_gid_maps"), s.integer("virtual_minimum_uid", 100),
                size(s.get("virtual_mailbox_limit"), 51_200_000L), LockSettings.from(s, "virtual_mailbox_lock"),
                s.get("virtual_mailbox_path", ""), s.get("recipient_delimiter", ""), s.get("myhostname", "localhost"),
                s.bool("enable_original_recipient", true));
    }

    private static long size(String value, long defaultValue) {
        try {
            return value == null || value.isBlank() ? defaultValue : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }
}
