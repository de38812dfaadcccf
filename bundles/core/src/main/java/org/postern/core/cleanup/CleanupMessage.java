// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.TableList.TableFailure;
import org.postern.core.config.PostfixLists;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   One message passing through cleanup on its way into the queue.
 * DESCRIPTION
 *   Two ways to feed it. Fast path: call {@link #announce} with what is known before DATA
 *   (client facts, sender, recipients) before {@link #content()}; then the Received:
 *   header is written first and the content streams straight into the queue file as it is
 *   inspected. Without an announcement (plain {@link IncomingMessage} contract) the raw content
 *   is held in a {@link SpillBuffer} (memory, then a temporary file) and inspected at commit,
 *   because Received: needs the envelope and must come first.
 *   At {@link #commit} the envelope is rewritten (canonical, masquerade, virtual, bcc,
 *   redirect) and the delegate commits. Refusals complete the future with
 *   {@link CleanupRejection}; the delegate is then closed without commit.
 * SECURITY  Content and envelope are untrusted (from the SMTP client).
 * BUGS      In the fast path, actions that appear only in the final envelope (end-of-data
 *           PREPEND) cannot be prepended any more and are logged and dropped; header rewriting
 *           and the Received: "for" use the announced envelope.
 */
public final class CleanupMessage implements IncomingMessage {

    private final CleanupSettings s;
    private final AddressRewriter rewriter;
    private final IncomingMessage delegate;
    private Envelope announced;
    private ContentProcessor processor;
    private SpillBuffer spill;
    private OutputStream content;
    private boolean finished;
    /** What milter_header_checks decided; null when no milter edits were checked. */
    private ContentDecisions milterDecisions;

    CleanupMessage(CleanupSettings settings, AddressRewriter rewriter, IncomingMessage delegate) {
        this.s = settings;
        this.rewriter = rewriter;
        this.delegate = delegate;
    }

    @Override
    public String queueId() {
        return delegate.queueId();
    }

    /**
     * What smtpd knows at DATA (the envelope as it would commit it now). Call before
     * {@link #content()} to let cleanup stream the content instead of holding it until commit.
     */
    @Override
    public void announce(Envelope preliminary) {
        if (content != null) {
            throw new IllegalStateException(queueId() + ": announce() after content()");
        }
        this.announced = preliminary;
    }

    @Override
    public List<org.postern.api.milter.Modification> milterEdits(List<org.postern.api.milter.Modification> edits) {
        if (s.milterHeaderChecks.isEmpty()) {
            return edits;
        }
        Envelope facts = announced != null ? announced
                : Envelope.builder("", List.of(), java.time.Instant.now()).build();
        if (milterDecisions == null) {
            milterDecisions = new ContentDecisions(queueId(), facts, true);
        }
        return new MilterHeaderChecks(s.milterHeaderChecks, milterDecisions, queueId()).apply(edits);
    }

    @Override
    public OutputStream content() throws IOException {
        if (content != null) {
            return content;
        }
        if (announced != null) {
            processor = new ContentProcessor(s, rewriter, queueId(), announced, delegate.content());
            processor.start();
            content = processor;
        } else {
            spill = new SpillBuffer(256 * 1024);
            content = spill;
        }
        return content;
    }

    @Override
    public CompletableFuture<Void> commit(Envelope given) {
        if (finished) {
            return CompletableFuture.failedFuture(new IllegalStateException(queueId() + ": already committed or discarded"));
        }
        finished = true;
        if (milterDecisions != null) {
            if (milterDecisions.failure != null) {
                return refuse(temporaryFailure());
            }
            if (milterDecisions.rejection != null) {
                return refuse(milterDecisions.rejection);
            }
        }
        Envelope envelope = milterDecisions == null ? given
                : given.toBuilder().actions(withMilterActions(given.actions())).build();
        try {
            if (processor == null) {
                processor = new ContentProcessor(s, rewriter, queueId(), envelope, delegate.content());
                processor.start();
                if (spill != null) {
                    spill.replayTo(processor);
                }
            } else {
                droppedPrepends(envelope);
            }
            processor.finish();
        } catch (IOException | RuntimeException e) {
            delegate.close();
            return CompletableFuture.failedFuture(e);
        } finally {
            if (spill != null) {
                spill.discard();
                spill = null;
            }
        }
        ContentProcessor p = processor;
        if (p.decisions.failure != null) {
            return refuse(temporaryFailure());
        }
        if (p.decisions.rejection != null) {
            return refuse(p.decisions.rejection);
        }
        Envelope out;
        try {
            out = rewrite(envelope, p);
        } catch (TableFailure e) {
            ContentProcessor.LOG.warn("{}: warning: {}", queueId(), e.getMessage());
            return refuse(temporaryFailure());
        } catch (CleanupRejection e) {
            ContentProcessor.LOG.info("{}: reject: virtual alias expansion; from=<{}>: {}", queueId(),
                    LogText.printable(envelope.sender()), e.reply());
            return refuse(e);
        }
        Optional<String> discard = p.decisions.actions.discard().or(() -> envelope.actions().discard());
        if (discard.isPresent()) {
            ContentProcessor.LOG.info("{}: discard: {}", queueId(), LogText.printable(discard.get()));
            delegate.close();
            return CompletableFuture.completedFuture(null);
        }
        return delegate.commit(out);
    }

    /**
     * The actions of milter_header_checks added to smtpd's: HOLD and DISCARD where there was
     * none, FILTER and REDIRECT replace, BCC adds (as a header check's do).
     */
    private MessageActions withMilterActions(MessageActions in) {
        MessageActions m = milterDecisions.actions;
        MessageActions out = in;
        if (in.hold().isEmpty() && m.hold().isPresent()) {
            out = out.withHold(m.hold().get());
        }
        if (in.discard().isEmpty() && m.discard().isPresent()) {
            out = out.withDiscard(m.discard().get());
        }
        if (m.filter().isPresent()) {
            out = out.withFilter(m.filter().get());
        }
        if (m.redirect().isPresent()) {
            out = out.withRedirect(m.redirect().get());
        }
        for (String b : m.bcc()) {
            out = out.withBcc(b);
        }
        return out;
    }

    private void droppedPrepends(Envelope last) {
        List<String> now = last.actions().prepend();
        if (!now.equals(announced.actions().prepend())) {
            ContentProcessor.LOG.warn("{}: warning: PREPEND after the content was written is not supported: {}",
                    queueId(), LogText.printable(String.join("\n", now)));
        }
    }

    private static CleanupRejection temporaryFailure() {
        return new CleanupRejection(new SmtpReply(451, "4.3.0", "Error: temporary lookup failure"));
    }

    private CompletableFuture<Void> refuse(CleanupRejection r) {
        delegate.close();
        return CompletableFuture.failedFuture(r);
    }

    /**
     * Sender, recipients and actions as cleanup writes them to the queue file: smtpd's HOLD
     * wins over a header check's, a header check's FILTER and REDIRECT over smtpd's; redirect,
     * BCC and PREPEND are applied here and not queued.
     */
    private Envelope rewrite(Envelope in, ContentProcessor p) throws TableFailure, CleanupRejection {
        MessageActions smtpd = in.actions();
        String sender = in.sender();
        String fromAddress = p.fromAddress();
        if (s.senderFromHeaderRewrite && fromAddress != null && !fromAddress.isEmpty()
                && s.mynetworks.matches(in.client().address())) {
            if (!fromAddress.equals(sender)) {
                ContentProcessor.LOG.info("{}: sender_from_header_rewrite: from=<{}> to <{}>", queueId(),
                        LogText.printable(sender), LogText.printable(fromAddress));
            }
            sender = fromAddress;
        }
        sender = rewriter.rewriteSender(sender);

        List<EnvelopeRecipient> recipients = in.recipients();
        String redirect = p.decisions.actions.redirect().or(smtpd::redirect).orElse("");
        if (!redirect.isEmpty()) {
            ContentProcessor.LOG.info("{}: redirect: to <{}>", queueId(), LogText.printable(redirect));
            recipients = List.of(new EnvelopeRecipient(redirect, "", Set.of()));
        }
        Map<String, EnvelopeRecipient> out = new LinkedHashMap<>();
        List<String> bcc = new ArrayList<>();
        for (EnvelopeRecipient r : recipients) {
            String canonical = rewriter.rewriteRecipientCanonical(r.address());
            for (String a : rewriter.expandVirtual(canonical)) {
                String orcpt = r.originalRecipient().isEmpty() && !a.equals(r.address())
                        ? "rfc822;" + r.address() : r.originalRecipient();
                out.putIfAbsent(a, new EnvelopeRecipient(a, orcpt, r.notifyOn()));
            }
            bcc.addAll(rewriter.bcc(s.recipientBccMaps, canonical));
        }
        bcc.addAll(rewriter.bcc(s.senderBccMaps, sender));
        bcc.addAll(s.alwaysBcc);
        for (String b : smtpd.bcc()) {
            bcc.addAll(PostfixLists.split(b));
        }
        for (String b : p.decisions.actions.bcc()) {
            bcc.addAll(PostfixLists.split(b));
        }
        for (String b : bcc) {
            String canonical = rewriter.rewriteRecipientCanonical(b);
            for (String a : rewriter.expandVirtual(canonical)) {
                out.putIfAbsent(a, new EnvelopeRecipient(a, "", Set.of(DsnNotify.NEVER)));
            }
        }
        MessageActions queued = smtpd.queued();
        Optional<String> hold = smtpd.hold().or(p.decisions.actions::hold);
        if (hold.isPresent()) {
            queued = queued.withHold(hold.get());
        }
        if (p.decisions.actions.filter().isPresent()) {
            queued = queued.withFilter(p.decisions.actions.filter().get());
        }
        Envelope.Builder b = in.toBuilder().sender(sender).recipients(new ArrayList<>(out.values())).actions(queued);
        if (p.messageId != null) {
            b.messageId(p.messageId);
        }
        return b.build();
    }

    @Override
    public void close() {
        if (spill != null) {
            spill.discard();
            spill = null;
        }
        if (!finished) {
            finished = true;
            delegate.close();
        }
    }
}
