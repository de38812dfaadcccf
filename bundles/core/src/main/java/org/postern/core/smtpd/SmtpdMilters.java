// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.net.ssl.SSLSession;

import org.postern.api.milter.ConnectInfo;
import org.postern.api.milter.DefaultAction;
import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.HeaderField;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.MilterService;
import org.postern.api.milter.MilterSession;
import org.postern.api.milter.MilterSettings;
import org.postern.core.milter.HeldMessage;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.MessageAction;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.tls.ClientCertificate;
import org.postern.core.smtpd.tls.TlsSessionInfo;

/**
 * SUMMARY   The smtpd_milters of one SMTP session: each stage's event after the restrictions
 *           accepted it, and the filters' replies turned into the session's answers.
 * DESCRIPTION
 *   The {@link MilterService} present when the session starts serves it to the end (a plugin
 *   installed or updated later serves the next sessions). Without one, milter_default_action
 *   applies, logged once per session, never skipped silently: tempfail and reject refuse every
 *   MAIL with Postfix's "451 4.7.1 Service unavailable - try again later" or "550 5.5.0 Service
 *   unavailable", quarantine holds every message, accept goes on without filters. A refusal at
 *   CONNECT or HELO refuses every later MAIL; when it is a 5xx, as in Postfix, the greeting
 *   (at CONNECT) becomes "554 ... not accepting connections" and EHLO announces only
 *   ENHANCEDSTATUSCODES. A discard there discards every message; at MAIL, RCPT and DATA a
 *   refusal answers that command (every line of it), a discard or
 *   quarantine marks the transaction. Refusals are logged by the handlers as "milter-reject:".
 *   MAIL and RCPT events carry the command's ESMTP parameters as the client gave them. A
 *   recipient the restrictions refused still goes to the filters that asked for it
 *   (SMFIP_RCPT_REJ), as Postfix does; the refusal stands whatever they answer.
 *   Calls run on the milter executor ({@link MilterThreads}: a thread per waiting session, up to
 *   the service's process limit), never the event loop nor the restrictions' executor, one at a
 *   time per session (the session answers a command before it reads the next); RSET and other
 *   aborts are sent before the next event. A stalled filter thus delays only its own session.
 * CONFIGURATION PARAMETERS  smtpd_milters, milter_default_action, milter_*_macros (see
 *           {@link org.postern.core.milter.MilterConfig}).
 * SECURITY  Macros carry client input (HELO, addresses); the filters are trusted configuration.
 * BUGS      More sessions waiting on filters than the process limit queue for a thread (Postfix
 *           would not have accepted them). {i} exists from DATA on (the queue file is opened
 *           there). A refusal's text is its first line except at the end of the message. An
 *           unknown command goes to the filters only when it is not a forbidden one (those hang
 *           up first).
 */
final class SmtpdMilters {

    static final String DISCARD_REASON = "milter triggers DISCARD action";
    static final String HOLD_REASON = "milter triggers HOLD action";

    private final SmtpSession s;
    private final MilterSettings settings;
    private final Supplier<MilterService> service;
    private volatile MilterSession session;
    /** No filter work is left for this session (none configured, or the default action is accept). */
    private volatile boolean off;
    /** What a CONNECT or HELO reply (or a missing service) does to every transaction. */
    private volatile MilterReply sessionVerdict;
    private volatile boolean abortPending;

    /** One stage's event, with what smtpd knew when it was asked. */
    record Event(SmtpStage stage, ConnectInfo client, String helo, String sender, List<String> args,
                 String recipient, Map<String, String> macros) {
    }

    SmtpdMilters(SmtpSession session, MilterSettings settings, Supplier<MilterService> service) {
        this.s = session;
        this.settings = settings;
        this.service = service;
        this.off = settings == null;
    }

    boolean active() {
        return !off;
    }

    /**
     * Whether the filters (or milter_default_action) refused the session with a 5xx at CONNECT
     * or HELO: Postfix then greets with 554 and lets EHLO announce nothing but
     * ENHANCEDSTATUSCODES, and still answers every MAIL with the refusal.
     */
    boolean sessionRefused() {
        return sessionVerdict instanceof MilterReply.Refuse r && !r.temporary();
    }

    /** Whether the message of this transaction must wait for the filters before it is queued. */
    boolean holdsContent() {
        return !off && session != null;
    }

    /**
     * On the event loop: the event for a restriction stage, or null when the filters have none.
     * {@code rcptParameters} are the RCPT command's ESMTP parameters as given (the MAIL event
     * takes the transaction's).
     */
    Event event(SmtpStage stage, String command, Transaction t, String recipient, List<String> rcptParameters) {
        if (off) {
            return null;
        }
        switch (stage) {
            case CONNECT:
                if (!command.equals("CONNECT") && !command.equals("XCLIENT")) {
                    return null;
                }
                break;
            case HELO:
            case MAIL:
            case RCPT:
                if (!(command.equals(stage.name()) || stage == SmtpStage.HELO && command.equals("EHLO"))) {
                    return null; // VRFY runs the RCPT restrictions, not a filter event
                }
                break;
            case DATA:
                break;
            default:
                return null;
        }
        ConnectInfo client = new ConnectInfo(s.client.name(), s.client.address(), s.client.port());
        List<String> args = stage == SmtpStage.RCPT ? rcptParameters
                : t == null ? List.of() : t.mail.parameters();
        return new Event(stage, client, s.client.helo(), t == null ? null : t.sender(), args, recipient,
                macros(t, recipient));
    }

    /**
     * Whether the filters hear of a stage the restrictions refused: a refused recipient goes to
     * those that asked for it (SMFIP_RCPT_REJ); the client service decides which those are.
     */
    boolean seesRefusal(Event e, CheckResult result) {
        return e != null && e.stage() == SmtpStage.RCPT && !result.accepted() && result.reply() != null && !off;
    }

    /** On the executor: the filters' event after the restrictions gave {@code result}. */
    CheckResult after(Event e, CheckResult result) {
        if (seesRefusal(e, result)) {
            rejectedRcpt(e, result.reply());
            return result;
        }
        if (e == null || !result.accepted()) {
            return result;
        }
        synchronized (this) {
            if (off) {
                return result;
            }
            if (e.stage() == SmtpStage.CONNECT) {
                return connect(e, result);
            }
            sendAbort();
            if (sessionVerdict != null) {
                return e.stage() == SmtpStage.MAIL ? apply(e, sessionVerdict, result) : result;
            }
            if (session == null) {
                return result; // no CONNECT event reached the filters (the CONNECT restrictions refused)
            }
            MilterReply reply;
            try {
                reply = switch (e.stage()) {
                    case HELO -> session.helo(e.helo() == null ? "" : e.helo(), e.macros());
                    case MAIL -> session.mail(e.sender(), e.args(), withRoute(e.macros(), "{mail_", e.sender(), ""));
                    case RCPT -> session.rcpt(e.recipient(), e.args(),
                            withRoute(e.macros(), "{rcpt_", e.recipient(), e.sender()));
                    case DATA -> session.data(e.macros());
                    default -> MilterReply.CONTINUE;
                };
            } catch (RuntimeException ex) {
                s.log.warn("milter client failed at " + e.stage() + ": " + ex);
                reply = defaultReply();
            }
            if (e.stage() == SmtpStage.HELO && !(reply instanceof MilterReply.Continue
                    || reply instanceof MilterReply.Accept)) {
                sessionVerdict = reply; // as at CONNECT: it applies to every MAIL
                logSessionVerdict("HELO", reply);
                return result;
            }
            return apply(e, reply, result);
        }
    }

    /**
     * On the executor: {@code macros} with {mail_mailer} and {mail_host} (or {rcpt_...}): the
     * transport and nexthop {@code address} resolves to, as Postfix's smtpd gets them from
     * trivial-rewrite. Without them when the address is empty or a table does not answer.
     */
    private Map<String, String> withRoute(Map<String, String> macros, String prefix, String address, String sender) {
        if (address == null || address.isEmpty()) {
            return macros;
        }
        return s.cx.checks().route(address, sender == null ? "" : sender).map(channel -> {
            Map<String, String> m = new HashMap<>(macros);
            m.put(prefix + "mailer}", channel.transport());
            m.put(prefix + "host}", channel.nexthop());
            return m;
        }).orElse(macros);
    }

    /**
     * The refused recipient to the filters that want it, with the refusal as Postfix's
     * smtpd_milter.c describes it to them; their reply does not change the refusal.
     */
    private void rejectedRcpt(Event e, SmtpReply refusal) {
        synchronized (this) {
            if (off || session == null || sessionVerdict != null) {
                return;
            }
            sendAbort();
            try {
                session.rejectedRcpt(e.recipient(), e.args(), refusalMacros(e.macros(), refusal));
            } catch (RuntimeException ex) {
                s.log.warn("milter client failed at RCPT: " + ex);
            }
        }
    }

    /**
     * Sendmail's error mailer: {rcpt_mailer} "error", {rcpt_host} the word after the reply code
     * (the enhanced status), {rcpt_addr} the text after the next word (the address), as Postfix
     * splits "554 5.7.1 <user@example.com>: Relay access denied".
     */
    static Map<String, String> refusalMacros(Map<String, String> macros, SmtpReply refusal) {
        Map<String, String> m = new HashMap<>(macros);
        m.put("{rcpt_mailer}", "error");
        String rest = refusal.toString().substring(4);
        int sp = rest.indexOf(' ');
        m.put("{rcpt_host}", sp < 0 ? rest : rest.substring(0, sp));
        int next = sp < 0 ? -1 : rest.indexOf(' ', sp + 1);
        if (next < 0) {
            m.remove("{rcpt_addr}");
        } else {
            m.put("{rcpt_addr}", rest.substring(next + 1));
        }
        return m;
    }

    private CheckResult connect(Event e, CheckResult result) {
        if (session != null) { // XCLIENT: a new client, a new filter session
            session.close();
            session = null;
        }
        MilterService svc = service.get();
        if (svc == null) {
            s.log.warn("smtpd_milters is set but no milter client is installed (feature postern-milter): "
                    + "milter_default_action = " + settings.defaultAction().configName() + " applies to this session");
            if (settings.defaultAction() == DefaultAction.ACCEPT) {
                off = true;
                return result;
            }
            sessionVerdict = defaultReply();
            return result;
        }
        try {
            session = svc.open(settings);
            MilterReply reply = session.connect(e.client(), e.macros());
            if (reply instanceof MilterReply.Accept) {
                off = true; // every filter accepted the connection: no more events
                session.close();
                session = null;
            } else if (!(reply instanceof MilterReply.Continue)) {
                sessionVerdict = reply;
                logSessionVerdict("CONNECT", reply);
            }
        } catch (RuntimeException ex) {
            s.log.warn("milter client failed at CONNECT: " + ex);
            sessionVerdict = defaultReply();
        }
        return result;
    }

    private void logSessionVerdict(String stage, MilterReply reply) {
        if (reply instanceof MilterReply.Refuse r) {
            s.log.info("NOQUEUE: milter-reject: " + stage + " from " + s.log.client() + ": " + reply(r)
                    + "; proto=" + s.client.baseProtocol()
                    + (s.client.helo() == null ? "" : " helo=<" + s.client.helo() + ">"));
        }
    }

    /** A filter reply as the stage's result. */
    private CheckResult apply(Event e, MilterReply reply, CheckResult result) {
        if (reply instanceof MilterReply.Refuse r) {
            SmtpReply smtp = reply(r);
            s.log.milterRefusal(smtp);
            return new CheckResult(r.temporary() ? CheckResult.Verdict.DEFER : CheckResult.Verdict.REJECT, smtp,
                    List.of(), result.warnings(), r.lines().subList(1, r.lines().size()));
        }
        List<MessageAction> actions = new ArrayList<>(result.actions());
        if (reply instanceof MilterReply.Discard) {
            actions.add(new MessageAction.Discard(DISCARD_REASON));
        } else if (reply instanceof MilterReply.Quarantine q) {
            actions.add(new MessageAction.Hold(q.reason().isEmpty() ? HOLD_REASON : q.reason()));
        } else {
            return result;
        }
        return new CheckResult(result.verdict(), null, actions, result.warnings());
    }

    /** On the executor: SMFIC_UNKNOWN with the command line; the filters' refusal, or null. */
    SmtpReply unknown(String line, Map<String, String> macros) {
        synchronized (this) {
            if (off || session == null || sessionVerdict != null) {
                return null;
            }
            try {
                MilterReply r = session.unknown(line, macros);
                return r instanceof MilterReply.Refuse refuse ? reply(refuse) : null;
            } catch (RuntimeException e) {
                s.log.warn("milter client failed at UNKNOWN: " + e);
                return null;
            }
        }
    }

    /** On the executor: the message to the filters; their answer (a default action when they failed). */
    EndOfMessage endOfMessage(HeldMessage message, Map<String, String> macros) {
        synchronized (this) {
            sendAbort();
            if (session == null) {
                return EndOfMessage.of(sessionVerdict == null ? MilterReply.CONTINUE : sessionVerdict);
            }
            try {
                List<HeaderField> headers = message.headers();
                try (InputStream body = message.body()) {
                    return session.message(headers, body, macros);
                }
            } catch (IOException | RuntimeException ex) {
                s.log.warn(message.queueId() + ": milter client failed at END-OF-MESSAGE: " + ex);
                return EndOfMessage.of(defaultReply());
            }
        }
    }

    /** On the event loop: the transaction ended without a message; the filters hear of it before the next event. */
    void abort() {
        if (!off && session != null) {
            abortPending = true;
        }
    }

    /** The message was handed to the filters: their transaction ended with it. */
    void messageDone() {
        abortPending = false;
    }

    /** On the event loop: the session ended; the filter connections close on the executor. */
    void close() {
        off = true;
        MilterSession m = session;
        if (m == null) {
            return;
        }
        try {
            s.cx.milterExecutor().execute(() -> {
                synchronized (this) {
                    m.close();
                    session = null;
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            m.close();
        }
    }

    private void sendAbort() {
        if (abortPending && session != null) {
            abortPending = false;
            try {
                session.abort();
            } catch (RuntimeException e) {
                s.log.warn("milter client failed at ABORT: " + e);
            }
        }
    }

    private MilterReply defaultReply() {
        return settings.defaultAction().reply();
    }

    static SmtpReply reply(MilterReply.Refuse r) {
        return new SmtpReply(r.code(), r.status(), r.lines().get(0));
    }

    /** On the event loop: every macro known now (the service sends those its stage lists). */
    Map<String, String> macros(Transaction t, String recipient) {
        Map<String, String> m = new HashMap<>(settings.macroDefaults());
        m.put("j", s.st.myhostname());
        m.put("{daemon_name}", settings.daemonName());
        m.put("v", settings.version());
        m.put("_", s.client.name() + " [" + s.client.address() + "]");
        m.put("{client_addr}", s.client.address());
        m.put("{client_port}", Integer.toString(s.client.port()));
        m.put("{client_name}", s.client.name());
        m.put("{client_ptr}", s.client.reverseName());
        SocketAddress local = s.ctx() == null ? null : s.ctx().channel().localAddress();
        if (local instanceof InetSocketAddress l) {
            m.put("{daemon_addr}", l.getAddress().getHostAddress());
            m.put("{daemon_port}", Integer.toString(l.getPort()));
        }
        if (s.client.helo() != null) {
            m.put("s", s.client.helo());
        }
        tls(s.security.tls(), s.security.tlsInfo(), m);
        if (s.security.saslUsername() != null) {
            m.put("{auth_type}", s.security.saslMethod());
            m.put("{auth_authen}", s.security.saslUsername());
        }
        if (t != null) {
            if (t.mail.auth() != null && !t.mail.auth().equals("<>")) {
                m.put("{auth_author}", t.mail.auth());
            }
            m.put("{mail_addr}", t.sender());
            if (t.message != null) {
                m.put("i", t.queueId());
            }
        }
        if (recipient != null) {
            m.put("{rcpt_addr}", recipient);
        }
        return m;
    }

    /**
     * The TLS macros as Postfix's smtpd_milter.c gives them: the protocol, the cipher by its
     * OpenSSL name and its bits, the client certificate's subject and issuer CN when one was
     * presented; {verify} as Sendmail's (OK verified, FAIL presented but not verified, NO none).
     */
    private static void tls(SSLSession tls, TlsSessionInfo info, Map<String, String> m) {
        if (tls == null) {
            return;
        }
        m.put("{tls_version}", tls.getProtocol());
        if (info == null) {
            m.put("{cipher}", tls.getCipherSuite());
            return;
        }
        m.put("{cipher}", info.openSslCipher());
        m.put("{cipher_bits}", Integer.toString(info.bits()));
        ClientCertificate cc = info.client();
        if (cc == null) {
            m.put("{verify}", "NO");
            return;
        }
        m.put("{cert_subject}", cc.subjectCn());
        m.put("{cert_issuer}", cc.issuerCn());
        m.put("{verify}", cc.trusted() ? "OK" : "FAIL");
    }
}
