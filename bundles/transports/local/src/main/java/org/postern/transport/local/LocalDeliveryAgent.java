// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.TransportAgent;
import org.postern.api.delivery.TransportDispatcher;
import org.postern.api.dict.DictRegistry;
import org.postern.api.support.LogText;
import org.postern.transport.delivery.DeliveredToHeaders;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.RecipientsInParallel;
import org.postern.transport.delivery.privileged.DirectDelivery;
import org.postern.transport.delivery.privileged.HelperParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   local - the local delivery agent (Postfix local(8)), master.cf "local".
 * DESCRIPTION
 *   For each recipient: Delivered-To: loop check, alias_maps, the passwd table (unknown
 *   users go to fallback_transport_maps, fallback_transport or luser_relay when set),
 *   .forward files along forward_path, then mailbox_transport_maps or mailbox_transport
 *   (handed to that master.cf service through the {@link TransportDispatcher}),
 *   mailbox_command_maps or mailbox_command, else the mailbox (mbox in mail_spool_directory
 *   or $home/$home_mailbox, maildir when that ends in "/"). Aliases and .forward files may
 *   name addresses (queued anew through {@link MessageSubmitter}), "|commands", "/files",
 *   "/maildirs/" and ":include:" files. See {@link LocalDelivery} and
 *   {@link DestinationDelivery}; parameters in {@link LocalSettings}.
 * SECURITY  Writes and runs commands as the recipient, never as root. Run as root, files are
 *   created for the recipient's uid/gid and commands run under setpriv; run as Postern's own
 *   user (the normal deployment), deliveries for other users go through the privileged
 *   delivery helper (delivery_helper_socket; docs/privilege-separation.md), and are
 *   deferred when it is not running.
 * BUGS      See {@link LocalDelivery}.
 * SEE ALSO  Postfix local(8), aliases(5), postconf(5).
 */
@Component(service = DeliveryAgent.class)
@TransportAgent("local")
public final class LocalDeliveryAgent implements DeliveryAgent {

    private static final Logger LOG = LoggerFactory.getLogger("postern.local");
    static final String RELAY = "local";

    private final DictRegistry registry;
    private final DirectDelivery direct = new DirectDelivery(new MailboxLocks(), new MaildirFolder());
    private final CommandDelivery commands = new CommandDelivery();
    /** The JVM's uid: 0 delivers itself; any other needs the helper for other users. */
    private final int processUid;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MessageSubmitter submitter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TransportDispatcher dispatcher;

    @Activate
    public LocalDeliveryAgent(@Reference(name = "registry") DictRegistry registry) {
        this.registry = registry;
        this.processUid = MailboxOwner.ofProcess().uid();
    }

    /** For tests and embedding: with a submitter for forwarded mail. */
    LocalDeliveryAgent(DictRegistry registry, MessageSubmitter submitter) {
        this(registry, submitter, null);
    }

    /** For tests and embedding: with a submitter and a dispatcher for mailbox_transport and fallback_transport. */
    LocalDeliveryAgent(DictRegistry registry, MessageSubmitter submitter, TransportDispatcher dispatcher) {
        this(registry, submitter, dispatcher, MailboxOwner.ofProcess().uid());
    }

    /** For tests: as if the JVM ran as {@code processUid}. */
    LocalDeliveryAgent(DictRegistry registry, MessageSubmitter submitter, TransportDispatcher dispatcher,
                       int processUid) {
        this.registry = registry;
        this.submitter = submitter;
        this.dispatcher = dispatcher;
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
                results.add(new RecipientResult(r, RecipientResult.Outcome.DEFERRED, "4.3.0", "cannot read message", RELAY));
            }
            return new DeliveryResult(results);
        }
        LocalSettings settings = LocalSettings.from(request.settings());
        DeliveryPrivileges privileges = new DeliveryPrivileges(direct, HelperParameters.client(request.settings()),
                processUid);
        LocalDelivery delivery = new LocalDelivery(request, settings, new UserTables(registry, settings), delivered,
                new DestinationDelivery(request, settings, submitter, commands, privileges),
                new TransportHandoff(dispatcher, request), privileges);
        // Side by side: one recipient's locked mailbox must not hold up the others.
        return new DeliveryResult(RecipientsInParallel.map(request.recipients(), "postern-local-recipient",
                r -> delivery.result(r, RELAY)));
    }
}
