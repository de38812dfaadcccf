// SPDX-License-Identifier: Apache-2.0
/**
 * What the local and virtual delivery agents share: the copy of a queued message into a
 * mailbox with Postfix's prepended headers ({@link org.postern.transport.mailbox.MessageCopier}),
 * mbox appends under fcntl and dotlock locks ({@link org.postern.transport.mailbox.MboxFile},
 * {@link org.postern.transport.mailbox.MailboxLocks}), maildir deliveries
 * ({@link org.postern.transport.mailbox.MaildirFolder}), the Delivered-To: loop check
 * ({@link org.postern.transport.mailbox.DeliveredToHeaders}), file ownership for deliveries as
 * the recipient ({@link org.postern.transport.mailbox.MailboxOwner}) and forward_path-style
 * path templates ({@link org.postern.transport.mailbox.PathTemplate}), and the declarations of
 * the parameters both agents read ({@link org.postern.transport.mailbox.MailboxParameters}).
 * 1.0.0: {@code LockSettings.from} takes the declaration of the lock method list, not its name.
 */
@Export
@Version("1.0.0")
package org.postern.transport.mailbox;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
