// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterService;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.ForwardingQueueStore;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueStore;
import org.postern.core.smtp.SmtpReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   non_smtpd_milters: the milters of mail that does not arrive through smtpd (the
 *           sendmail command), in front of cleanup.
 * DESCRIPTION
 *   A queue store that holds each message ({@link HeldMessage}) until its commit, then plays
 *   the filters the SMTP session Postfix's cleanup pretends for local submissions: CONNECT from
 *   "localhost" [127.0.0.1] port 25, HELO localhost, MAIL, one RCPT per recipient, DATA,
 *   headers, body and end of message, with the macros of milter_*_macros ({i} from the start:
 *   the queue ID exists). A refusal fails the commit with a {@link CleanupRejection} (sendmail
 *   then exits 69 or 75 with the text), logged "QUEUEID: milter-reject: END-OF-MESSAGE from
 *   localhost[127.0.0.1]: ..."; a refusal of a recipient is a configuration error (MILTER_README)
 *   and tempfails the message; discard and quarantine become cleanup's discard and hold
 *   actions, logged "milter-discard:" and "milter-hold:"; the modifications are applied to the
 *   content and the envelope before cleanup sees them. Without a milter client installed,
 *   milter_default_action applies, with a warning.
 * CONFIGURATION PARAMETERS  non_smtpd_milters (empty), milter_default_action and the other
 *           milter_* parameters ({@link MilterConfig}).
 * SECURITY  The content is the local user's; the filters are trusted configuration.
 * BUGS      Postfix's sendmail hands the message to postdrop and never hears a filter's verdict:
 *           a rejected message is bounced there, refused to the sendmail caller here. Bounces and
 *           other mail Postern makes itself are not filtered (Postfix's default, empty
 *           internal_mail_filter_classes, is the only behaviour).
 * SEE ALSO  Postfix MILTER_README ("non_smtpd_milters"), cleanup_milter.c's SMTP emulation.
 */
public final class NonSmtpdMilters extends ForwardingQueueStore {

    private static final Logger LOG = LoggerFactory.getLogger("postern.cleanup");
    static final ConnectInfo LOCALHOST = new ConnectInfo("localhost", "127.0.0.1", 25);
    static final String DISCARD_REASON = "milter triggers DISCARD action";
    static final String HOLD_REASON = "milter triggers HOLD action";
    private static final SmtpReply RECIPIENT_REFUSED = new SmtpReply(451, "4.3.5",
            "Server configuration error");

    private final MilterSettings settings;
    private final Supplier<MilterService> service;
    private final String myhostname;

    private NonSmtpdMilters(QueueStore cleanup, MilterSettings settings, Supplier<MilterService> service,
                            String myhostname) {
        super(cleanup);
        this.settings = settings;
        this.service = service;
        this.myhostname = myhostname;
    }

    /** {@code cleanup} with config's non_smtpd_milters in front; {@code cleanup} itself when there are none. */
    public static QueueStore wrap(QueueStore cleanup, PostfixConfig config, Supplier<MilterService> service) {
        MilterSettings settings = MilterConfig.nonSmtpd(config);
        return settings == null ? cleanup : new NonSmtpdMilters(cleanup, settings, service, config.get("myhostname"));
    }

    @Override
    public IncomingMessage receive() throws IOException {
        return new Filtered(new HeldMessage(delegate.receive()));
    }

    /** What the filters decided for one message. */
    private record Verdict(SmtpReply refusal, String stage, EndOfMessage eom) {
    }

    /** One message on its way through the filters to cleanup. */
    private final class Filtered implements IncomingMessage {
        private final HeldMessage held;

        Filtered(HeldMessage held) {
            this.held = held;
        }

        @Override
        public String queueId() {
            return held.queueId();
        }

        @Override
        public void announce(Envelope preliminary) {
            held.announce(preliminary);
        }

        @Override
        public OutputStream content() {
            return held.content();
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope) {
            Verdict v;
            try {
                v = filter(envelope);
            } catch (IOException | RuntimeException e) {
                LOG.warn("warning: {}: non_smtpd_milters: {}", queueId(), LogText.printable(e.toString()));
                v = verdict(defaultReply(), "END-OF-MESSAGE");
            }
            if (v.refusal() != null) {
                SmtpReply r = v.refusal();
                log("milter-reject", v.stage(), r.enhancedCode().isEmpty() ? r.text() : r.enhancedCode() + " "
                        + r.text(), envelope);
                held.close();
                return CompletableFuture.failedFuture(new CleanupRejection(v.refusal()));
            }
            EndOfMessage eom = v.eom();
            Optional<String> hold = eom.quarantine();
            if (eom.reply() instanceof MilterReply.Quarantine q) {
                hold = Optional.of(q.reason().isEmpty() ? HOLD_REASON : q.reason());
            }
            hold.ifPresent(reason -> log("milter-hold", "END-OF-MESSAGE", reason, envelope));
            MessageEdits edits = new MessageEdits(eom.modifications(), hold);
            Envelope out = edits.apply(envelope);
            if (eom.reply() instanceof MilterReply.Discard) {
                log("milter-discard", "END-OF-MESSAGE", DISCARD_REASON, envelope);
                out = out.toBuilder().actions(out.actions().withDiscard(DISCARD_REASON)).build();
                edits = new MessageEdits(List.of(), hold);
            } else if (out.recipients().isEmpty()) {
                log("milter-discard", "END-OF-MESSAGE", "milter removed every recipient", envelope);
                out = envelope.toBuilder().actions(envelope.actions().withDiscard("milter removed every recipient"))
                        .build();
                edits = new MessageEdits(List.of(), hold);
            }
            try {
                held.release(edits);
            } catch (IOException | RuntimeException e) {
                held.close();
                return CompletableFuture.failedFuture(e);
            }
            return held.commit(out);
        }

        /** The SMTP session Postfix's cleanup plays for a local submission. */
        private Verdict filter(Envelope envelope) throws IOException {
            MilterService svc = service.get();
            if (svc == null) {
                LOG.warn("warning: {}: non_smtpd_milters is set but no milter client is installed (feature "
                        + "postern-milter): milter_default_action = {} applies", queueId(),
                        settings.defaultAction().configName());
                return verdict(defaultReply(), "CONNECT");
            }
            try (MilterSession m = svc.open(settings)) {
                Map<String, String> macros = macros(envelope, null);
                MilterReply r = m.connect(LOCALHOST, macros);
                if (!(r instanceof MilterReply.Continue)) {
                    return verdict(r, "CONNECT");
                }
                r = m.helo("localhost", macros);
                if (!(r instanceof MilterReply.Continue)) {
                    return verdict(r, "EHLO");
                }
                r = m.mail(envelope.sender(), List.of(), macros);
                if (!(r instanceof MilterReply.Continue)) {
                    return verdict(r, "MAIL");
                }
                for (EnvelopeRecipient rcpt : envelope.recipients()) {
                    r = m.rcpt(rcpt.address(), List.of(), macros(envelope, rcpt.address()));
                    if (r instanceof MilterReply.Refuse refuse) {
                        LOG.warn("warning: {}: non_smtpd_milters: a filter refused recipient <{}> with \"{}\": a "
                                + "configuration error (non-SMTP mail cannot refuse one recipient); the message "
                                + "is tempfailed", queueId(), LogText.printable(rcpt.address()),
                                LogText.printable(reply(refuse).toString()));
                        return new Verdict(RECIPIENT_REFUSED, "RCPT", null);
                    }
                    if (!(r instanceof MilterReply.Continue)) {
                        return verdict(r, "RCPT");
                    }
                }
                r = m.data(macros);
                if (!(r instanceof MilterReply.Continue)) {
                    return verdict(r, "DATA");
                }
                try (InputStream body = held.body()) {
                    EndOfMessage eom = m.message(held.headers(), body, macros);
                    return eom.reply() instanceof MilterReply.Refuse refuse
                            ? new Verdict(reply(refuse), "END-OF-MESSAGE", null) : new Verdict(null, null, eom);
                }
            }
        }

        private Map<String, String> macros(Envelope envelope, String recipient) {
            Map<String, String> m = new HashMap<>(settings.macroDefaults());
            m.put("j", myhostname);
            m.put("{daemon_name}", settings.daemonName());
            m.put("v", settings.version());
            m.put("_", "localhost [127.0.0.1]");
            m.put("{client_addr}", "127.0.0.1");
            m.put("{client_name}", "localhost");
            m.put("s", "localhost");
            m.put("i", queueId());
            m.put("{mail_addr}", envelope.sender());
            if (recipient != null) {
                m.put("{rcpt_addr}", recipient);
            }
            return m;
        }

        private void log(String what, String stage, String reason, Envelope envelope) {
            List<EnvelopeRecipient> rcpts = envelope.recipients();
            LOG.info("{}: {}: {} from localhost[127.0.0.1]: {}; from=<{}>{} proto=ESMTP helo=<localhost>", queueId(),
                    what, stage, LogText.printable(reason), LogText.printable(envelope.sender()),
                    rcpts.size() == 1 ? " to=<" + LogText.printable(rcpts.get(0).address()) + ">" : "");
        }

        @Override
        public void close() {
            held.close();
        }
    }

    /** Before the end of the message: an answer that is not Continue. */
    private static Verdict verdict(MilterReply r, String stage) {
        if (r instanceof MilterReply.Refuse refuse) {
            return new Verdict(reply(refuse), stage, null);
        }
        // Accept: the filters want no more of this message; Discard and Quarantine: as at the end.
        MilterReply end = r instanceof MilterReply.Accept ? MilterReply.CONTINUE : r;
        return new Verdict(null, stage, EndOfMessage.of(end));
    }

    private MilterReply defaultReply() {
        return settings.defaultAction().reply();
    }

    private static SmtpReply reply(MilterReply.Refuse r) {
        return new SmtpReply(r.code(), r.status(), String.join(" ", r.lines()));
    }

}
