// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.TransportAgent;
import org.postern.api.dict.DictRegistry;
import org.postern.api.support.LogText;
import org.postern.transport.delivery.CopyFlag;
import org.postern.transport.delivery.DeliveredToHeaders;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.MessageCopier;
import org.postern.transport.delivery.RecipientsInParallel;
import org.postern.transport.delivery.privileged.DirectDelivery;
import org.postern.transport.delivery.privileged.HelperClient;
import org.postern.transport.delivery.privileged.HelperParameters;
import org.postern.transport.delivery.privileged.HelperUnavailableException;
import org.postern.transport.delivery.privileged.PrivilegedDelivery;
import org.postern.transport.delivery.privileged.UserIdentity;
import org.postern.transport.virtual.MailboxFinder.Found;
import org.postern.transport.virtual.MailboxFinder.Mailbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   virtual - the virtual mailbox delivery agent (Postfix virtual(8)), master.cf "virtual".
 * DESCRIPTION
 *   Which domains are virtual mailbox domains is the queue manager's business; this agent
 *   gets their recipients. For each: a Delivered-To: header naming it bounces the message
 *   (5.4.6 mail forwarding loop); {@link MailboxFinder} finds the mailbox and the uid/gid;
 *   the message goes into the mbox file (under virtual_mailbox_lock, within
 *   virtual_mailbox_limit) or the maildir, created as needed and owned by that uid/gid,
 *   with Return-Path:, X-Original-To: and Delivered-To: prepended (and the "From " line,
 *   "&gt;From " quoting and an empty line for mbox).
 * SECURITY  Writes as the table's uid/gid: in this JVM when it is root (or that user), else
 *   through the privileged delivery helper (deferred with 4.3.0 when the helper is not
 *   running); mailbox paths come from admin tables (or
 *   virtual_mailbox_path), the local part only through the filtered template. Files are
 *   created for the table's uid/gid, never for a uid below virtual_minimum_uid.
 * BUGS      No quota beyond virtual_mailbox_limit; maildir files have no size limit.
 * SEE ALSO  Postfix virtual(8), VIRTUAL_README.
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("virtual")
public final class VirtualDeliveryAgent implements DeliveryAgent {

    private static final Logger LOG = LoggerFactory.getLogger("postern.virtual");
    static final String RELAY = "virtual";

    private final DictRegistry registry;
    private final DirectDelivery direct = new DirectDelivery(new MailboxLocks(), new MaildirFolder());

    private final int processUid;

    @Activate
    public VirtualDeliveryAgent(@Reference(name = "registry") DictRegistry registry) {
        this(registry, MailboxOwner.ofProcess().uid());
    }

    /** For a JVM running as {@code processUid} (tests: the same decisions as root and as a user). */
    VirtualDeliveryAgent(DictRegistry registry, int processUid) {
        this.registry = registry;
        this.processUid = processUid;
    }

    @Override
    public DeliveryResult deliver(DeliveryRequest request) {
        List<RecipientResult> results = new ArrayList<>();
        DeliveredToHeaders delivered;
        try {
            delivered = DeliveredToHeaders.read(request.content());
        } catch (IOException e) {
            LOG.warn("{}: cannot read message: {}", request.queueId(), LogText.printable(e.toString()));
            for (Recipient r : request.recipients()) {
                results.add(DeliveryStatus.deferred("4.3.0", "cannot read message").toResult(r, RELAY));
            }
            return new DeliveryResult(results);
        }
        VirtualSettings settings = VirtualSettings.from(request.settings());
        MailboxFinder finder = new MailboxFinder(registry, settings, request.settings());
        HelperClient helper = HelperParameters.client(request.settings());
        // Side by side: one recipient's locked mailbox must not hold up the others.
        return new DeliveryResult(RecipientsInParallel.map(request.recipients(), "postern-virtual-recipient",
                r -> deliverOne(request, settings, finder, helper, delivered, r).toResult(r, RELAY)));
    }

    private DeliveryStatus deliverOne(DeliveryRequest request, VirtualSettings settings, MailboxFinder finder,
                                      HelperClient helper, DeliveredToHeaders delivered, Recipient recipient) {
        if (delivered.contains(recipient.address())) {
            return DeliveryStatus.bounced("5.4.6", "mail forwarding loop for " + recipient.address());
        }
        Found found = finder.find(VirtualAddress.parse(recipient.address(), settings.recipientDelimiter()));
        if (found.failure() != null) {
            return found.failure();
        }
        Mailbox mailbox = found.mailbox();
        MessageCopier.Envelope envelope = new MessageCopier.Envelope(request.sender(),
                settings.originalRecipientHeader() ? MessageCopier.originalRecipient(recipient) : "", recipient.address());
        // As the table's uid/gid: by this JVM when it is root or that user, else by the delivery helper.
        MailboxOwner owner = mailbox.owner();
        PrivilegedDelivery as = PrivilegedDelivery.choose(owner.uid(), processUid, direct, helper);
        UserIdentity identity = new UserIdentity("uid " + owner.uid(), owner.uid(), owner.gid(), Setpriv.Groups.CLEAR);
        try {
            if (mailbox.maildir()) {
                Set<CopyFlag> flags = EnumSet.of(CopyFlag.RETURN_PATH, CopyFlag.ORIGINAL_RECIPIENT, CopyFlag.DELIVERED_TO);
                as.deliverMaildir(identity, mailbox.path(), settings.myhostname(), 0,
                        out -> MessageCopier.copy(request.content(), out, flags, envelope, ZonedDateTime.now()));
                return DeliveryStatus.delivered("delivered to maildir");
            }
            if (as == direct) {
                owner.createDirectories(mailbox.path().getParent());
            }
            Set<CopyFlag> flags = EnumSet.allOf(CopyFlag.class);
            as.appendMbox(identity, mailbox.path(), false, settings.mailboxLimit(), settings.locks(),
                    out -> MessageCopier.copy(request.content(), out, flags, envelope, ZonedDateTime.now()));
            return DeliveryStatus.delivered("delivered to mailbox");
        } catch (HelperUnavailableException e) {
            LOG.warn("{}: to=<{}>: {}", request.queueId(), LogText.printable(recipient.address()),
                    LogText.printable(e.getMessage()));
            return DeliveryStatus.deferred(PrivilegedDelivery.UNAVAILABLE_DSN,
                    PrivilegedDelivery.unavailableText("virtual delivery as uid " + owner.uid(), helper.socket()));
        } catch (MailboxException e) {
            LOG.warn("{}: to=<{}>: mailbox {}: {}{}", request.queueId(), LogText.printable(recipient.address()),
                    mailbox.path(), e.getMessage(), e.getCause() == null ? "" : " (" + e.getCause() + ")");
            return DeliveryStatus.of(e);
        } catch (IOException e) {
            LOG.warn("{}: to=<{}>: cannot create directory for {}: {}", request.queueId(),
                    LogText.printable(recipient.address()), mailbox.path(), e.toString());
            return DeliveryStatus.deferred("4.2.0", "cannot create mailbox directory");
        }
    }
}
