// SPDX-License-Identifier: Apache-2.0
/**
 * What the local, virtual and pipe delivery agents share: the sysexits.h mapping of a
 * command's exit status ({@link org.postern.transport.delivery.SysExits}), running a command
 * with the message on its input under a time limit
 * ({@link org.postern.transport.delivery.CommandRunner}) and as another user
 * ({@link org.postern.transport.delivery.Setpriv}), the copy of a queued message into a
 * mailbox, file or command with Postfix's prepended headers
 * ({@link org.postern.transport.delivery.MessageCopier}), mbox appends under fcntl and dotlock
 * locks ({@link org.postern.transport.delivery.MboxFile},
 * {@link org.postern.transport.delivery.MailboxLocks}), maildir deliveries
 * ({@link org.postern.transport.delivery.MaildirFolder}), the Delivered-To: loop check
 * ({@link org.postern.transport.delivery.DeliveredToHeaders}), file ownership for deliveries as
 * the recipient ({@link org.postern.transport.delivery.MailboxOwner}) and forward_path-style
 * path templates ({@link org.postern.transport.delivery.PathTemplate}). Deliveries as another
 * user, in this JVM or through the privileged delivery helper, are in the subpackage
 * {@code privileged}.
 */
@Export
@Version("0.1.0")
package org.postern.transport.delivery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
