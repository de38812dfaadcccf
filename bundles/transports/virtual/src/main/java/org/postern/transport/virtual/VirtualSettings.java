// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.util.List;

import org.postern.api.delivery.ServiceSettings;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxParameters;

/**
 * SUMMARY   The main.cf parameters virtual(8) reads, validated.
 * CONFIGURATION PARAMETERS
 *   virtual_mailbox_maps (core's), the agent's own ({@link VirtualParameters}; the mailbox limit
 *   applies to mbox only), deliver_lock_attempts, deliver_lock_delay,
 *   stale_lock_time, recipient_delimiter, myhostname, enable_original_recipient.
 */
record VirtualSettings(List<String> mailboxMaps, String mailboxBase, List<String> uidMaps, List<String> gidMaps,
                       int minimumUid, long mailboxLimit, LockSettings locks, String mailboxPath,
                       String recipientDelimiter, String myhostname, boolean originalRecipientHeader) {

    static VirtualSettings from(ServiceSettings s) {
        return new VirtualSettings(s.list("virtual_mailbox_maps"), s.string(VirtualParameters.MAILBOX_BASE),
                s.list(VirtualParameters.UID_MAPS), s.list(VirtualParameters.GID_MAPS),
                s.integer(VirtualParameters.MINIMUM_UID), s.size(VirtualParameters.MAILBOX_LIMIT),
                LockSettings.from(s, VirtualParameters.MAILBOX_LOCK), s.string(VirtualParameters.MAILBOX_PATH),
                s.get("recipient_delimiter", ""), s.get("myhostname", "localhost"),
                s.bool(MailboxParameters.ENABLE_ORIGINAL_RECIPIENT));
    }
}
