// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.IOException;
import java.time.Clock;

import org.postern.api.dict.DictRegistry;
import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.queue.ForwardingQueueStore;
import org.postern.core.queue.QueueStore;

/**
 * SUMMARY   cleanup - canonicalise and inspect each message on its way into the queue
 *           (Postfix cleanup(8)), as a decorator of the {@link QueueStore}.
 * DESCRIPTION
 *   {@link #receive()} returns a {@link CleanupMessage}: its content stream adds smtpd's
 *   PREPEND lines and the Received: header, follows the MIME structure and runs header_checks,
 *   mime_header_checks, nested_header_checks and body_checks (header_checks(5) actions REJECT,
 *   WARN, INFO, IGNORE, STRIP, PREPEND, REPLACE, HOLD, DISCARD, DUNNO, OK, PASS, FILTER,
 *   REDIRECT, BCC), rewrites From:/To:/Cc:/Sender:/
 *   Reply-To: addresses and adds Message-Id:, Date: and From: for local_header_rewrite_clients.
 *   Its commit rewrites the envelope (sender/recipient canonical maps, masquerading,
 *   recursive virtual aliasing, bcc tables, smtpd's redirect/bcc/discard) and commits the
 *   delegate. list/find/content pass through.
 *   Logs (postern.cleanup): "ID: message-id=<...>", action lines in Postfix's format
 *   ("ID: reject: header Subject: ... from host[addr]; from=<> to=<> proto= helo=<>: text"),
 *   "ID: discard: ...".
 * SECURITY  Sees untrusted content and addresses; memory per message is bounded (one header of
 *           header_size_limit, one body line, or a 256 KB spill buffer then a temporary file).
 * CONFIGURATION PARAMETERS  See {@link CleanupSettings}.
 * BUGS      permit_inet_interfaces is read as "loopback or an explicit inet_interfaces
 *           address"; "hold" and "filter" are only passed on as envelope attributes for the
 *           queue manager; no MIME downgrade; body_checks see encoded parts undecoded.
 * SEE ALSO  Postfix cleanup(8), header_checks(5), canonical(5), virtual(5); {@link MimeState}.
 */
public final class CleanupQueueStore extends ForwardingQueueStore {

    private final CleanupSettings settings;
    private final AddressRewriter rewriter;

    private CleanupQueueStore(QueueStore delegate, CleanupSettings settings) {
        super(delegate);
        this.settings = settings;
        this.rewriter = new AddressRewriter(settings);
    }

    /**
     * @param config main.cf with the service's master.cf -o overrides
     * @param dicts  where the tables are opened (once, here)
     */
    public static CleanupQueueStore create(QueueStore delegate, PostfixConfig config, DictRegistry dicts)
            throws ConfigException {
        return create(delegate, config, dicts, Clock.systemDefaultZone());
    }

    static CleanupQueueStore create(QueueStore delegate, PostfixConfig config, DictRegistry dicts, Clock clock)
            throws ConfigException {
        return new CleanupQueueStore(delegate, new CleanupSettings(config, dicts, clock));
    }

    @Override
    public CleanupMessage receive() throws IOException {
        return new CleanupMessage(settings, rewriter, delegate.receive());
    }
}
