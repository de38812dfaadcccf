// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.net.ssl.SSLSession;

import org.postern.api.dns.DnsResolver;
import org.postern.api.support.LogText;
import org.postern.core.anvil.Anvil;
import org.postern.core.cleanup.CleanupRejection;
import org.postern.core.net.HostNames;
import org.postern.core.queue.Envelope;
import org.postern.core.queue.EnvelopeRecipient;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueStore;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.BareNewlinePolicy;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.codec.SmtpResponse;
import org.postern.core.smtpd.codec.SmtpServerDecoder;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.MessageAction;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.SmtpdChecks;
import org.postern.core.smtpd.sasl.AuthExchange;
import org.postern.core.smtpd.sasl.AuthStep;
import org.postern.core.smtpd.sasl.ClientInfo;
import org.postern.core.smtpd.sasl.SaslAuthServer;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * SUMMARY   One SMTP server session: the RFC 5321 state machine over decoded requests.
 * DESCRIPTION
 *   Sits after {@link SmtpServerDecoder} and never touches a ByteBuf. Each request is answered
 *   before the decoder hands on the next one ({@link SmtpServerDecoder#resume()}), so replies stay
 *   in order even when restrictions ({@link SmtpdChecks}, which may block) and queue operations
 *   run on the blocking executor. Results come back on the channel's event loop.
 *   <p>Stages: CONNECT before the banner (a refusal becomes the greeting and every later
 *   command but QUIT gets "503 5.7.0 Error: access denied", RFC 5321 section 3.1), HELO, MAIL,
 *   RCPT (per recipient), DATA (also before the first BDAT chunk), END_OF_DATA. Message actions
 *   (HOLD, DISCARD, ...) are collected per transaction and stored as envelope attributes.
 *   <p>Before the final 250 the session checks that the client is still connected; if it hung
 *   up, the message is discarded rather than committed (RFC 1047 duplicates). The 250 is sent
 *   only when {@link IncomingMessage#commit} has completed.
 * SECURITY  All requests are client input. Limits: smtpd_recipient_limit, message_size_limit,
 *           header_size_limit, smtpd_hard/soft_error_limit, smtpd_junk_command_limit,
 *           smtpd_timeout; STARTTLS drops pipelined plaintext (CVE-2011-0411).
 *   <p>Client hostname: looked up before the CONNECT stage (see {@link ClientHostname}); a
 *   lookup that fails or times out leaves "unknown". XCLIENT (authorized clients) replaces the
 *   client attributes and starts over with a new greeting; XFORWARD attributes go into the
 *   envelope as Postfix's log_* attributes and are forgotten after each transaction.
 *   smtpd_discard_ehlo_keywords hides features and refuses them as not announced.
 *   A {@link CleanupRejection} from the commit is sent to the client as it is.
 *   <p>AUTH (RFC 4954, Postfix's Dovecot backend): announced after EHLO when enabled, the
 *   authentication server offers mechanisms and TLS is active where smtpd_tls_auth_only asks
 *   for it; the exchange runs off the event loop ({@link AuthExchange}). The user goes into
 *   SmtpFacts (permit_sasl_authenticated) and the envelope (sasl_method, sasl_username,
 *   sasl_sender from MAIL AUTH=). STARTTLS forgets it.
 * BUGS      AUTH before EHLO or after HELO is refused as not enabled (Postfix
 *           accepts it). The client name status (temporary failure, XCLIENT [TEMPUNAVAIL]) is
 *           kept here but SmtpFacts cannot carry it: reject_unknown_client_hostname asks the
 *           DNS again. XCLIENT/XFORWARD are accepted after HELO too (authorization is the gate).
 *           Content is written to the queue file on the event loop (the store should buffer).
 *           The queue file is opened at DATA/first BDAT, so "QUEUEID: client=" is logged then,
 *           not at the first accepted RCPT as in Postfix.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    /** What all sessions of one listener share. */
    record Context(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue,
                   Executor executor, Anvil anvil, SslContext ssl, DnsResolver dns, Duration dnsTimeout,
                   Supplier<SaslAuthServer> saslServers, Consumer<String> siteFlush) {

        /** Without ETRN flushes (ETRN answers 458). */
        Context(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                Anvil anvil, SslContext ssl, DnsResolver dns, Duration dnsTimeout,
                Supplier<SaslAuthServer> saslServers) {
            this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, saslServers, null);
        }

        /** Without SMTP AUTH. */
        Context(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                Anvil anvil, SslContext ssl, DnsResolver dns, Duration dnsTimeout) {
            this(service, settings, checks, queue, executor, anvil, ssl, dns, dnsTimeout, null);
        }

        /** Without client hostname lookup. */
        Context(String service, SmtpdSettings settings, SmtpdChecks checks, QueueStore queue, Executor executor,
                Anvil anvil, SslContext ssl) {
            this(service, settings, checks, queue, executor, anvil, ssl, null, Duration.ofSeconds(10));
        }
    }

    private static final Set<String> JUNK = Set.of("helo", "ehlo", "noop", "vrfy", "rset", "etrn", "xclient",
            "xforward");

    private final Context cx;
    private final SmtpdSettings st;
    private final SmtpServerDecoder decoder;
    private ChannelHandlerContext ctx;

    private String clientAddress = "unknown";
    private int clientPort;
    /** The client address for list matching; null when unknown (XCLIENT ADDR=[UNAVAILABLE]). */
    private InetAddress clientIp;
    private String clientName = ClientHostname.UNKNOWN;
    private String reverseClientName = ClientHostname.UNKNOWN;
    /**
     * Why the names are what they are. SmtpFacts has no field for it yet, so the restrictions
     * (reject_unknown_client_hostname) ask the DNS again when the name is "unknown".
     */
    private ClientHostname.Status clientNameStatus = ClientHostname.Status.PERM;
    private ClientHostname.Status reverseClientNameStatus = ClientHostname.Status.PERM;
    /** The authenticated user (AUTH or XCLIENT LOGIN); null when none. */
    private String saslUsername;
    /** How saslUsername was established: the AUTH mechanism, or "XCLIENT"; null when none. */
    private String saslMethod;
    /** This session's authentication server conversation, opened at first use. */
    private SaslAuthServer saslServer;
    private boolean saslClosed;
    /** The exchange waiting for the client's answer to a 334 challenge; null otherwise. */
    private AuthExchange authExchange;
    /** XCLIENT PROTO until the next HELO/EHLO; null otherwise. */
    private String protocolOverride;
    private boolean xclientAllowed;
    private boolean xforwardAllowed;
    /** XFORWARD attributes for the next transaction (NAME, ADDR, PORT, PROTO, HELO, IDENT, SOURCE). */
    private final Map<String, String> xforward = new LinkedHashMap<>();
    /** The address counted in the anvil, released at disconnect or when XCLIENT replaces it. */
    private String anvilAddress;
    private boolean excludedFromBareNewline;

    private String helo;
    private boolean esmtp;
    private SSLSession tls;
    /** The EHLO keywords hidden from this client: smtpd_discard_ehlo_keyword_address_maps, else the global list. */
    private EhloKeywords discard;
    /** MAIL transactions so far: with the session's identity, the policy protocol's "instance". */
    private int transactions;
    private final String instancePrefix = Long.toHexString(System.currentTimeMillis()) + "."
            + Integer.toHexString(System.identityHashCode(this));
    private SmtpReply accessDenied;
    private int errorCount;
    private int junkCount;
    private boolean illegalPipelining;
    private final CommandStats stats = new CommandStats();
    private String lastCommand = "CONNECT";
    private boolean pending;
    private boolean closing;
    private boolean shuttingDown;
    private boolean loggedDisconnect;

    private Transaction tx;
    /** The reply owed at the end of the current BDAT chunk, when the chunk is being discarded. */
    private SmtpReply chunkError;

    private static final class Transaction {
        final SmtpRequest.Mail mail;
        final List<EnvelopeRecipient> recipients = new ArrayList<>();
        final List<MessageAction> actions = new ArrayList<>();
        IncomingMessage message;
        MessageReceiver receiver;
        boolean bdat;
        boolean bdatFailed;
        long bdatBytes;
        boolean committing;

        Transaction(SmtpRequest.Mail mail) {
            this.mail = mail;
        }

        String sender() {
            return mail.sender();
        }

        String queueId() {
            return message == null ? "NOQUEUE" : message.queueId();
        }
    }

    SmtpSession(Context cx, SmtpServerDecoder decoder) {
        this.cx = cx;
        this.st = cx.settings();
        this.decoder = decoder;
    }

    // ------------------------------------------------------------------ connection life cycle

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        decoder.pause(); // nothing the client sends is acted on before the greeting
        pending = true;
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) remote;
            clientIp = isa.getAddress();
            clientPort = isa.getPort();
            if (clientIp != null) {
                clientAddress = NetUtil.toAddressString(clientIp);
                if (clientAddress.startsWith("::ffff:") && clientAddress.indexOf('.') > 0) {
                    clientAddress = clientAddress.substring(7);
                }
            }
        }
        if (cx.dns() == null || clientIp == null || !cx.settings().peernameLookup()) {
            // No lookup: the name stays "unknown" with a permanent status, as Postfix's smtpd_peername_lookup = no.
            connected();
            return;
        }
        lookUpClientName();
    }

    /**
     * The client hostname lookup (PTR, then forward confirmation) on the blocking executor, with
     * a time limit; a lookup that takes too long leaves "unknown" with a temporary status.
     */
    private void lookUpClientName() {
        String address = clientAddress;
        boolean[] done = new boolean[1];
        java.util.concurrent.ScheduledFuture<?> timer = ctx.executor().schedule(() -> {
            if (!done[0]) {
                done[0] = true;
                SmtpdLog.warn(cx.service(), null, "hostname lookup for " + address + " timed out after "
                        + cx.dnsTimeout().toMillis() + "ms");
                clientNameStatus = ClientHostname.Status.TEMP;
                reverseClientNameStatus = ClientHostname.Status.TEMP;
                afterLookup();
            }
        }, cx.dnsTimeout().toMillis(), TimeUnit.MILLISECONDS);
        async(() -> {
            try {
                return ClientHostname.lookup(cx.dns(), address);
            } catch (RuntimeException e) {
                SmtpdLog.warn(cx.service(), null, "hostname lookup for " + address + " failed: " + e);
                return ClientHostname.Names.unknown(ClientHostname.Status.TEMP);
            }
        }, names -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            timer.cancel(false);
            for (String w : names.warnings()) {
                SmtpdLog.warn(cx.service(), null, w);
            }
            clientName = names.name();
            clientNameStatus = names.nameStatus();
            reverseClientName = names.reverseName();
            reverseClientNameStatus = names.reverseStatus();
            afterLookup();
        });
    }

    private void afterLookup() {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        connected();
    }

    /** The client is known: log it, apply the per-client settings and limits, then greet. */
    private void connected() {
        log("connect from " + client());
        xclientAllowed = clientIp != null && st.xclientHosts().matches(clientIp);
        xforwardAllowed = clientIp != null && st.xforwardHosts().matches(clientIp);
        applyClientPolicies();
        if (!countConnection()) {
            return;
        }
        lookUpEhloDiscards(() -> greet("CONNECT"));
    }

    /** smtpd_discard_ehlo_keyword_address_maps for this client, looked up off the event loop. */
    private void lookUpEhloDiscards(Runnable then) {
        discard = st.discardEhloKeywords();
        if (!cx.checks().hasEhloDiscardMaps() || clientIp == null) {
            then.run();
            return;
        }
        String address = clientAddress;
        async(() -> cx.checks().ehloDiscardFor(address), words -> {
            words.ifPresent(w -> discard = EhloKeywords.parse(org.postern.core.config.PostfixLists.split(w)));
            then.run();
        });
    }

    /** smtpd_forbid_bare_newline_exclusions for the current client. */
    private void applyClientPolicies() {
        excludedFromBareNewline = clientIp != null && st.bareNewlineExclusions().matches(clientIp);
        decoder.setPolicy(excludedFromBareNewline ? BareNewlinePolicy.NO : st.bareNewline());
    }

    /**
     * Counts the connection in the anvil (not for XCLIENT-authorized clients and the
     * event limit exceptions, as Postfix); false when a limit is exceeded and the session closes.
     */
    private boolean countConnection() {
        if (anvilAddress != null) {
            cx.anvil().disconnect(cx.service(), anvilAddress);
            anvilAddress = null;
        }
        if (clientIp == null || xclientAllowed || st.eventLimitExceptions().matches(clientIp)) {
            return true;
        }
        Anvil.Counts counts = cx.anvil().connect(cx.service(), clientAddress, st.anvilRateTimeUnit());
        anvilAddress = clientAddress;
        String exceeded = null;
        int n = 0;
        if (st.connectionCountLimit() > 0 && counts.count() > st.connectionCountLimit()) {
            exceeded = "Connection concurrency limit exceeded";
            n = counts.count();
        } else if (st.connectionRateLimit() > 0 && counts.rate() > st.connectionRateLimit()) {
            exceeded = "Connection rate limit exceeded";
            n = counts.rate();
        }
        if (exceeded != null) {
            SmtpdLog.warn(cx.service(), null, exceeded + ": " + n + " from " + client() + " for service "
                    + cx.service());
            close(SmtpdReplies.tooManyConnections(st.myhostname(), clientAddress));
            return false;
        }
        return true;
    }

    /** The CONNECT restrictions, then the greeting (or the refusal that replaces it); reads on. */
    private void greet(String after) {
        pending = true;
        check(SmtpStage.CONNECT, null, 0, result -> {
            warnings(result, "CONNECT", null);
            if (!result.accepted()) {
                accessDenied = result.reply();
                logReject("CONNECT", result.reply(), null);
                send(result.reply());
            } else {
                send(SmtpdReplies.greeting(st.banner()));
            }
            if (decoder.hasBufferedInput()) {
                pipelining(after);
            }
            pending = false;
            decoder.resume();
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!closing) {
            String bytes = tx != null && tx.receiver != null ? " (" + tx.receiver.size() + " bytes)" : "";
            log("lost connection after " + lastCommand + bytes + " from " + client());
        }
        abortTransaction();
        closeSaslServer();
        if (anvilAddress != null) {
            cx.anvil().disconnect(cx.service(), anvilAddress);
            anvilAddress = null;
        }
        if (!loggedDisconnect) {
            loggedDisconnect = true;
            log("disconnect from " + client() + stats);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            if (!pending && !closing) {
                String bytes = tx != null && tx.receiver != null ? " (" + tx.receiver.size() + " bytes)" : "";
                log("timeout after " + lastCommand + bytes + " from " + client());
                close(SmtpdReplies.timeoutExceeded(st.myhostname()));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!closing) {
            String what = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            if (lastCommand.equals("STARTTLS") || cause.getCause() instanceof javax.net.ssl.SSLException) {
                log("SSL_accept error from " + client() + ": " + LogText.printable(what));
            } else {
                log("lost connection after " + lastCommand + " from " + client() + ": " + LogText.printable(what));
            }
            closing = true;
        }
        ctx.close();
    }

    /** Server shutdown: an idle session gets 421 now, a busy one when its current command is done. */
    void shutdown() {
        if (!ctx.executor().inEventLoop()) {
            ctx.executor().execute(this::shutdown);
            return;
        }
        shuttingDown = true;
        if (!pending && (tx == null || tx.receiver == null) && !closing) {
            close(SmtpdReplies.shuttingDown(st.myhostname()));
        }
    }

    // ------------------------------------------------------------------ dispatch

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpRequest)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            return;
        }
        SmtpRequest r = (SmtpRequest) msg;
        if (r instanceof SmtpRequest.Content) {
            SmtpRequest.Content c = (SmtpRequest.Content) r;
            if (tx != null && tx.receiver != null && chunkError == null) {
                tx.receiver.write(c.bytes(), c.endOfLine());
            }
            return;
        }
        pending = true;
        AuthExchange exchange = authExchange;
        authExchange = null;
        if (r instanceof SmtpRequest.SaslResponse) {
            saslResponse(exchange, (SmtpRequest.SaslResponse) r);
        } else if (r instanceof SmtpRequest.EndOfData) {
            lastCommand = "END-OF-MESSAGE";
            endOfData();
        } else if (r instanceof SmtpRequest.EndOfChunk) {
            endOfChunk((SmtpRequest.EndOfChunk) r);
        } else if (r instanceof SmtpRequest.BareLineFeed) {
            bareLineFeed((SmtpRequest.BareLineFeed) r);
        } else {
            command(r);
        }
    }

    private void command(SmtpRequest r) {
        String verb = r.verb();
        lastCommand = r instanceof SmtpRequest.Invalid && verb.equals("unknown") ? "UNKNOWN"
                : verb.toUpperCase(java.util.Locale.ROOT);
        if (JUNK.contains(verb) && junkCount++ >= st.junkCommandLimit()) {
            errorCount++;
        }
        if (accessDenied != null && !(r instanceof SmtpRequest.Quit)) {
            answer(verb, SmtpdReplies.accessDenied(client()));
            return;
        }
        if ((!esmtp || discards(EhloKeywords.Keyword.PIPELINING)) && !illegalPipelining
                && decoder.hasBufferedInput() && !(r instanceof SmtpRequest.Quit)) {
            pipelining(lastCommand); // PIPELINING was not announced (no EHLO yet): any command group is improper
        }
        if (r instanceof SmtpRequest.Helo) {
            helo((SmtpRequest.Helo) r);
        } else if (r instanceof SmtpRequest.Mail) {
            mail((SmtpRequest.Mail) r);
        } else if (r instanceof SmtpRequest.Rcpt) {
            rcpt((SmtpRequest.Rcpt) r);
        } else if (r instanceof SmtpRequest.Data) {
            data();
        } else if (r instanceof SmtpRequest.Bdat) {
            bdat((SmtpRequest.Bdat) r);
        } else if (r instanceof SmtpRequest.Rset) {
            abortTransaction();
            answer(verb, SmtpdReplies.OK);
        } else if (r instanceof SmtpRequest.Noop) {
            answer(verb, SmtpdReplies.OK);
        } else if (r instanceof SmtpRequest.Quit) {
            stats.record(verb, true);
            close(SmtpdReplies.BYE);
        } else if (r instanceof SmtpRequest.Vrfy) {
            vrfy((SmtpRequest.Vrfy) r);
        } else if (r instanceof SmtpRequest.StartTls) {
            startTls();
        } else if (r instanceof SmtpRequest.Xclient) {
            xclient((SmtpRequest.Xclient) r);
        } else if (r instanceof SmtpRequest.Xforward) {
            xforward((SmtpRequest.Xforward) r);
        } else if (r instanceof SmtpRequest.Auth) {
            auth((SmtpRequest.Auth) r);
        } else if (r instanceof SmtpRequest.Etrn) {
            etrn((SmtpRequest.Etrn) r);
        } else if (r instanceof SmtpRequest.Forbidden) {
            stats.record(verb, false);
            SmtpdLog.warn(cx.service(), null, "non-SMTP command from " + client() + ": "
                    + LogText.printable(((SmtpRequest.Forbidden) r).line()));
            close(SmtpdReplies.NON_SMTP_COMMAND);
        } else if (r instanceof SmtpRequest.Invalid) {
            invalid((SmtpRequest.Invalid) r);
        }
    }

    private void invalid(SmtpRequest.Invalid r) {
        SmtpReply stateError = r.verb().equals("mail") ? mailStateError()
                : r.verb().equals("rcpt") ? rcptStateError() : null;
        if (stateError != null) {
            answer(r.verb(), stateError);
            return;
        }
        SmtpReply reply = r.reply();
        if (reply.enhancedCode().equals("5.1.7") || reply.enhancedCode().equals("5.1.3")) {
            SmtpdLog.warn(cx.service(), null, "Illegal address syntax from " + client() + " in "
                    + r.verb().toUpperCase(java.util.Locale.ROOT) + " command: " + LogText.printable(r.line()));
        }
        if (reply.code() == 521) {
            stats.record(r.verb(), false);
            SmtpdLog.info(cx.service(), null, "NOQUEUE: malformed " + r.verb().toUpperCase(java.util.Locale.ROOT)
                    + " command syntax from " + client() + ": " + LogText.printable(r.line()));
            close(reply);
            return;
        }
        answer(r.verb(), reply);
    }

    // ------------------------------------------------------------------ commands

    private void helo(SmtpRequest.Helo h) {
        String verb = h.verb();
        // Postfix (and Sendmail) treat HELO/EHLO inside a transaction as an implicit RSET.
        abortTransaction();
        if (decoder.hasBufferedInput()) {
            pipelining(lastCommand);
        }
        String previous = helo;
        helo = HostNames.neuterHeloName(h.domain(), st.smtputf8Enable());
        check(SmtpStage.HELO, null, 0, result -> {
            warnings(result, lastCommand, null);
            if (!result.accepted()) {
                helo = previous;
                logReject(lastCommand, result.reply(), null);
                answer(verb, result.reply());
                return;
            }
            esmtp = h.extended();
            protocolOverride = null;
            if (!h.extended()) {
                answer(verb, SmtpdReplies.heloLine(st.myhostname()));
                return;
            }
            if (!discard.isEmpty() && !discard.silent()) {
                log("discarding EHLO keywords: " + discard.describe());
            }
            if (!authUsable()) {
                ehloReply(verb, List.of());
                return;
            }
            boolean secured = tls != null;
            async(() -> {
                try {
                    return saslServer().mechanisms(secured);
                } catch (IOException | RuntimeException e) {
                    SmtpdLog.warn(cx.service(), null, e.getMessage());
                    return List.<String>of();
                }
            }, mechanisms -> ehloReply(verb, mechanisms));
        });
    }

    /** The EHLO reply; AUTH with {@code mechanisms} unless empty. */
    private void ehloReply(String verb, List<String> mechanisms) {
        List<SmtpReply> lines = new ArrayList<>();
        lines.add(SmtpdReplies.heloLine(st.myhostname()));
        if (!discards(EhloKeywords.Keyword.PIPELINING)) {
            lines.add(SmtpdReplies.heloLine("PIPELINING"));
        }
        if (!discards(EhloKeywords.Keyword.SIZE)) {
            lines.add(SmtpdReplies.heloLine(st.messageSizeLimit() > 0 ? "SIZE " + st.messageSizeLimit()
                    : "SIZE"));
        }
        if (vrfyOffered()) {
            lines.add(SmtpdReplies.heloLine("VRFY"));
        }
        if (!discards(EhloKeywords.Keyword.ETRN)) {
            lines.add(SmtpdReplies.heloLine("ETRN"));
        }
        if (starttlsOffered()) {
            lines.add(SmtpdReplies.heloLine("STARTTLS"));
        }
        if (!mechanisms.isEmpty()) {
            lines.add(SmtpdReplies.heloLine("AUTH " + String.join(" ", mechanisms)));
            if (st.sasl().brokenClients()) {
                lines.add(SmtpdReplies.heloLine("AUTH=" + String.join(" ", mechanisms)));
            }
        }
        if (xclientOffered()) {
            lines.add(SmtpdReplies.heloLine(SmtpdReplies.EHLO_XCLIENT));
        }
        if (xforwardOffered()) {
            lines.add(SmtpdReplies.heloLine(SmtpdReplies.EHLO_XFORWARD));
        }
        if (!discards(EhloKeywords.Keyword.ENHANCEDSTATUSCODES)) {
            lines.add(SmtpdReplies.heloLine("ENHANCEDSTATUSCODES"));
        }
        if (!discards(EhloKeywords.Keyword.EIGHTBITMIME)) {
            lines.add(SmtpdReplies.heloLine("8BITMIME"));
        }
        if (!discards(EhloKeywords.Keyword.DSN)) {
            lines.add(SmtpdReplies.heloLine("DSN"));
        }
        if (smtputf8Offered()) {
            lines.add(SmtpdReplies.heloLine("SMTPUTF8"));
        }
        if (!discards(EhloKeywords.Keyword.CHUNKING)) {
            lines.add(SmtpdReplies.heloLine("CHUNKING"));
        }
        answer(verb, new SmtpResponse(lines));
    }

    private boolean starttlsOffered() {
        return cx.ssl() != null && st.tlsOffered() && tls == null && !discards(EhloKeywords.Keyword.STARTTLS);
    }

    private boolean discards(EhloKeywords.Keyword k) {
        return (discard == null ? st.discardEhloKeywords() : discard).discards(k);
    }

    private boolean vrfyOffered() {
        return !st.disableVrfy() && !discards(EhloKeywords.Keyword.VRFY);
    }

    private boolean smtputf8Offered() {
        return st.smtputf8Enable() && !discards(EhloKeywords.Keyword.SMTPUTF8);
    }

    private boolean xclientOffered() {
        return xclientAllowed && !discards(EhloKeywords.Keyword.XCLIENT);
    }

    /**
     * AUTH may be used: enabled with a backend, not discarded, after EHLO, and with TLS when
     * smtpd_tls_auth_only or smtpd_tls_security_level = encrypt asks for it.
     */
    private boolean authUsable() {
        return cx.saslServers() != null && st.sasl().enabled() && esmtp && !discards(EhloKeywords.Keyword.AUTH)
                && (tls != null || !st.sasl().tlsAuthOnly() && !st.tlsRequired());
    }

    /** The authentication server conversation; call on the executor (the first call only creates it). */
    private synchronized SaslAuthServer saslServer() {
        if (saslServer == null) {
            saslServer = cx.saslServers().get();
            if (saslClosed) {
                saslServer.close(); // the session ended while this was on its way
            }
        }
        return saslServer;
    }

    private synchronized void closeSaslServer() {
        saslClosed = true;
        if (saslServer != null) {
            saslServer.close();
        }
    }

    private boolean xforwardOffered() {
        return xforwardAllowed && !discards(EhloKeywords.Keyword.XFORWARD);
    }

    /** An ESMTP parameter of MAIL whose extension was not announced, as the client wrote it (roughly), or null. */
    private String unannouncedMailParameter(SmtpRequest.Mail m) {
        if (m.size() >= 0 && discards(EhloKeywords.Keyword.SIZE)) {
            return "SIZE=" + m.size();
        }
        if (m.body() != null && discards(EhloKeywords.Keyword.EIGHTBITMIME)) {
            return "BODY=" + m.body();
        }
        if (m.smtputf8() && !smtputf8Offered()) {
            return "SMTPUTF8";
        }
        if (m.ret() != null && discards(EhloKeywords.Keyword.DSN)) {
            return "RET=" + m.ret();
        }
        if (m.envid() != null && discards(EhloKeywords.Keyword.DSN)) {
            return "ENVID=" + org.postern.core.smtpd.codec.Xtext.encode(m.envid());
        }
        return null;
    }

    private SmtpReply tlsRequired() {
        return st.tlsRequired() && tls == null ? SmtpdReplies.TLS_REQUIRED
                : null;
    }

    /** Why MAIL cannot be given now, or null; Postfix checks this before the command's syntax. */
    private SmtpReply mailStateError() {
        SmtpReply refusal = tlsRequired();
        if (refusal == null && helo == null && st.heloRequired()) {
            refusal = SmtpdReplies.SEND_HELO_FIRST;
        }
        if (refusal == null && tx != null) {
            refusal = SmtpdReplies.NESTED_MAIL;
        }
        return refusal;
    }

    /** Why RCPT cannot be given now, or null; Postfix checks this before the command's syntax. */
    private SmtpReply rcptStateError() {
        SmtpReply refusal = tlsRequired();
        if (refusal == null && tx == null) {
            refusal = SmtpdReplies.NEED_MAIL;
        }
        if (refusal == null && tx.bdat) {
            refusal = SmtpdReplies.RCPT_AFTER_BDAT;
        }
        return refusal;
    }

    private void mail(SmtpRequest.Mail m) {
        String verb = "mail";
        SmtpReply refusal = mailStateError();
        String unannounced = refusal == null ? unannouncedMailParameter(m) : null;
        if (unannounced != null) {
            refusal = SmtpdReplies.unsupportedOption(unannounced);
        }
        if (refusal == null && st.strictRfc821Envelopes() && !m.bracketed()) {
            refusal = SmtpdReplies.BAD_SENDER_SYNTAX;
        }
        if (refusal == null && m.nonAscii() && !m.smtputf8() && st.strictSmtputf8()) {
            refusal = SmtpdReplies.SMTPUTF8_NOT_DECLARED;
        }
        if (refusal == null && m.auth() != null && st.sasl().enabled() && cx.saslServers() == null) {
            refusal = SmtpdReplies.AUTH_DISABLED;
        }
        if (refusal == null && st.messageSizeLimit() > 0 && m.size() > st.messageSizeLimit()) {
            refusal = SmtpdReplies.SIZE_EXCEEDS_LIMIT;
            logReject("MAIL", refusal, null);
        }
        if (refusal != null) {
            answer(verb, refusal);
            return;
        }
        Transaction candidate = new Transaction(m);
        transactions++;
        tx = candidate;
        check(SmtpStage.MAIL, null, Math.max(m.size(), 0), result -> {
            warnings(result, "MAIL", null);
            if (!result.accepted()) {
                logReject("MAIL", result.reply(), null);
                tx = null;
                answer(verb, result.reply());
                return;
            }
            candidate.actions.addAll(result.actions());
            logActions(candidate, "MAIL", result, null);
            answer(verb, SmtpdReplies.MAIL_OK);
        });
    }

    private void rcpt(SmtpRequest.Rcpt r) {
        String verb = "rcpt";
        SmtpReply refusal = rcptStateError();
        if (refusal == null && r.hasEsmtpParameters() && discards(EhloKeywords.Keyword.DSN)) {
            // NOTIFY and ORCPT are the only RCPT parameters, both of the DSN extension.
            refusal = SmtpdReplies.unsupportedOption(r.firstParameter());
        }
        if (refusal == null && st.strictRfc821Envelopes() && !r.bracketed()) {
            refusal = SmtpdReplies.BAD_RECIPIENT_SYNTAX;
        }
        if (refusal == null && r.nonAscii() && !tx.mail.smtputf8() && st.strictSmtputf8()) {
            refusal = SmtpdReplies.SMTPUTF8_NOT_DECLARED;
        }
        if (refusal == null && tx.recipients.size() >= st.recipientLimit()) {
            refusal = SmtpdReplies.TOO_MANY_RECIPIENTS;
        }
        if (refusal != null) {
            answer(verb, refusal);
            return;
        }
        Transaction t = tx;
        check(SmtpStage.RCPT, r.recipient(), 0, result -> {
            warnings(result, "RCPT", r.recipient());
            if (!result.accepted()) {
                logReject("RCPT", result.reply(), r.recipient());
                answer(verb, result.reply());
                return;
            }
            if (t == tx) {
                t.actions.addAll(result.actions());
                logActions(t, "RCPT", result, r.recipient());
                t.recipients.add(new EnvelopeRecipient(r.recipient(), r.orcpt() == null ? "" : r.orcpt(),
                        r.notifyOn() == null ? Set.of() : r.notifyOn()));
            }
            answer(verb, SmtpdReplies.RCPT_OK);
        });
    }

    /** The refusal of DATA or a first BDAT in the current state, or null. */
    private SmtpReply dataStateError(boolean bdat) {
        SmtpReply refusal = tlsRequired();
        if (refusal != null) {
            return refusal;
        }
        if (tx == null) {
            return SmtpdReplies.NEED_RCPT;
        }
        if (!bdat && tx.bdat) {
            return SmtpdReplies.DATA_AFTER_BDAT;
        }
        if (tx.recipients.isEmpty()) {
            return SmtpdReplies.NO_VALID_RECIPIENTS;
        }
        return null;
    }

    private void data() {
        SmtpReply refusal = dataStateError(false);
        if (refusal != null) {
            answer("data", refusal);
            return;
        }
        if (decoder.hasBufferedInput()) {
            pipelining("DATA");
        }
        openMessage("DATA", reply -> {
            if (reply != null) {
                answer("data", reply);
                return;
            }
            send(SmtpdReplies.START_MAIL_INPUT);
            lastCommand = "DATA";
            decoder.startData();
            pending = false;
            decoder.resume();
        });
    }

    /** Runs the DATA restrictions and opens the queue file; calls back with null or a refusal. */
    private void openMessage(String command, Consumer<SmtpReply> then) {
        Transaction t = tx;
        check(SmtpStage.DATA, null, 0, result -> {
            warnings(result, command, null);
            if (!result.accepted()) {
                logReject(command, result.reply(), null);
                then.accept(result.reply());
                return;
            }
            t.actions.addAll(result.actions());
            logActions(t, command, result, null);
            async(() -> {
                try {
                    IncomingMessage msg = cx.queue().receive();
                    msg.announce(envelope(t));   // cleanup writes Received: first, then streams
                    return new Object[] {msg, new MessageReceiver(msg.content(), st.messageSizeLimit(),
                            st.headerSizeLimit())};
                } catch (IOException | RuntimeException e) {
                    return e;
                }
            }, value -> {
                if (value instanceof Exception) {
                    SmtpdLog.warn(cx.service(), null, "queue file create failed: " + value);
                    then.accept(SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
                    return;
                }
                Object[] pair = (Object[]) value;
                t.message = (IncomingMessage) pair[0];
                t.receiver = (MessageReceiver) pair[1];
                if (t != tx || !ctx.channel().isActive()) {
                    t.message.close();
                    return;
                }
                StringBuilder origin = new StringBuilder(client());
                if (saslUsername != null) {
                    origin.append(", sasl_method=").append(LogText.printable(saslMethod))
                            .append(", sasl_username=").append(LogText.printable(saslUsername));
                }
                if (t.mail.auth() != null && !t.mail.auth().equals("<>")) {
                    origin.append(", sasl_sender=").append(LogText.printable(t.mail.auth()));
                }
                if (xforward.containsKey("IDENT")) {
                    origin.append(", orig_queue_id=").append(LogText.printable(xforward.get("IDENT")));
                }
                if (xforward.containsKey("NAME") || xforward.containsKey("ADDR")) {
                    origin.append(", orig_client=").append(LogText.printable(forwardOrigin()));
                }
                SmtpdLog.info(cx.service(), t.queueId(), t.queueId() + ": client=" + origin);
                then.accept(null);
            });
        });
    }

    private void endOfData() {
        Transaction t = tx;
        t.receiver.finish();
        finishMessage(t, "data", false);
    }

    private void bdat(SmtpRequest.Bdat b) {
        if (discards(EhloKeywords.Keyword.CHUNKING)) {
            // RFC 3030: the chunk cannot be told from commands reliably once BDAT is refused.
            stats.record("bdat", false);
            close(SmtpdReplies.BDAT_NOT_IMPLEMENTED);
            return;
        }
        chunkError = null;
        if (tx != null && tx.bdatFailed) {
            chunkError = SmtpdReplies.chunkDiscarded(b.size());
        } else if (tx == null || !tx.bdat) {
            chunkError = dataStateError(true);
            if (chunkError != null && tx != null) {
                tx.bdat = true; // as Postfix: the transaction is in BDAT mode, its later chunks are discarded
            }
        }
        if (chunkError == null && b.size() == 0 && !b.last()) {
            chunkError = SmtpdReplies.NULL_BDAT;
        }
        if (chunkError == null && st.messageSizeLimit() > 0 && b.size() > st.messageSizeLimit()) {
            chunkError = SmtpdReplies.CHUNK_TOO_BIG;
        }
        if (chunkError == null && st.messageSizeLimit() > 0 && tx.bdatBytes + b.size() > st.messageSizeLimit()) {
            chunkError = SmtpdReplies.MESSAGE_TOO_BIG;
        }
        if (chunkError != null || tx.bdat) {
            pending = false;
            decoder.resume(); // read (and maybe discard) the chunk
            return;
        }
        tx.bdat = true;
        openMessage("BDAT", reply -> {
            chunkError = reply;
            pending = false;
            decoder.resume();
        });
    }

    private void endOfChunk(SmtpRequest.EndOfChunk c) {
        if (chunkError != null) {
            SmtpReply reply = chunkError;
            chunkError = null;
            if (tx != null && tx.bdat) {
                tx.bdatFailed = true;
                if (c.last()) {
                    abortTransaction();
                }
            }
            answer("bdat", reply);
            return;
        }
        tx.bdatBytes += c.size();
        if (!c.last()) {
            answer("bdat", SmtpdReplies.chunkOk(c.size()));
            return;
        }
        tx.receiver.finish();
        finishMessage(tx, "bdat", true);
    }

    private void finishMessage(Transaction t, String verb, boolean bdat) {
        if (t.receiver.tooBig()) {
            SmtpdLog.warn(cx.service(), t.queueId(), t.queueId() + ": queue file size limit exceeded");
            abortTransaction();
            answer(verb, SmtpdReplies.MESSAGE_TOO_BIG);
            return;
        }
        if (t.receiver.error() != null) {
            SmtpdLog.warn(cx.service(), t.queueId(), t.queueId() + ": queue file write error: " + t.receiver.error());
            abortTransaction();
            answer(verb, SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
            return;
        }
        check(SmtpStage.END_OF_DATA, null, t.receiver.size(), result -> {
            warnings(result, "END-OF-MESSAGE", null);
            if (!result.accepted()) {
                logReject("END-OF-MESSAGE", result.reply(), null);
                abortTransaction();
                answer(verb, result.reply());
                return;
            }
            t.actions.addAll(result.actions());
            logActions(t, "END-OF-MESSAGE", result, null);
            if (!ctx.channel().isActive() || closing) {
                // RFC 1047: the client will not see our 250 and will send the message again.
                SmtpdLog.info(cx.service(), t.queueId(), t.queueId() + ": discarded: client " + client()
                        + " disconnected before the end-of-data reply");
                abortTransaction();
                return;
            }
            Envelope envelope = envelope(t);
            t.committing = true;
            java.util.concurrent.CompletableFuture<Void> future;
            try {
                future = t.message.commit(envelope);
            } catch (RuntimeException e) {
                future = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            future.whenComplete((ok, failure) -> ctx.executor().execute(() -> {
                if (tx == t) {
                    tx = null;
                    xforward.clear();
                }
                if (failure != null) {
                    Throwable cause = unwrap(failure);
                    t.message.close();
                    if (cause instanceof CleanupRejection && ((CleanupRejection) cause).reply() != null) {
                        SmtpReply reply = ((CleanupRejection) cause).reply();
                        logReject(t, "END-OF-MESSAGE", reply, t.recipients.size() == 1
                                ? t.recipients.get(0).address() : null);
                        answer(verb, reply);
                        return;
                    }
                    SmtpdLog.warn(cx.service(), t.queueId(), t.queueId() + ": queue file write error: " + cause);
                    answer(verb, SmtpdReplies.QUEUE_FILE_WRITE_ERROR);
                    return;
                }
                errorCount = 0;
                junkCount = 0;
                answer(verb, bdat
                        ? SmtpdReplies.chunkQueuedAs(t.receiver.size(), t.queueId())
                        : SmtpdReplies.queuedAs(t.queueId()));
            }));
        });
    }

    /** Unwraps CompletionException and ExecutionException. */
    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private Envelope envelope(Transaction t) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("client_name", clientName);
        a.put("reverse_client_name", reverseClientName);
        a.put("client_address", clientAddress);
        a.put("client_port", Integer.toString(clientPort));
        if (helo != null) {
            a.put("helo_name", helo);
        }
        a.put("protocol", protocol());
        if (saslUsername != null) {
            a.put("sasl_method", saslMethod);
            a.put("sasl_username", saslUsername);
            if (st.sasl().authenticatedHeader() && !saslMethod.equals("XCLIENT")) {
                a.put("sasl_authenticated_header", "yes"); // cleanup: "(Authenticated sender: user)" in Received:
            }
        }
        if (t.mail.auth() != null && !t.mail.auth().equals("<>")) {
            a.put("sasl_sender", LogText.printable(t.mail.auth()));
        }
        // Postfix's log_* attributes: the XFORWARD values where given, else the client's own.
        a.put("log_client_name", xforward.getOrDefault("NAME", clientName));
        a.put("log_client_address", xforward.getOrDefault("ADDR", clientAddress));
        a.put("log_client_port", xforward.getOrDefault("PORT", Integer.toString(clientPort)));
        a.put("log_message_origin", forwardOrigin());
        String forwardHelo = xforward.containsKey("HELO") ? xforward.get("HELO") : helo;
        if (forwardHelo != null) {
            a.put("log_helo_name", forwardHelo);
        }
        a.put("log_protocol_name", xforward.getOrDefault("PROTO", baseProtocol()));
        if (xforward.containsKey("IDENT")) {
            a.put("log_ident", xforward.get("IDENT"));
        }
        if (xforward.containsKey("SOURCE")) {
            a.put("rewrite_context", xforward.get("SOURCE"));
        }
        a.put("service", cx.service());
        if (t.mail.body() != null) {
            a.put("body", t.mail.body());
        }
        a.put("smtputf8", Boolean.toString(t.mail.smtputf8()));
        if (t.mail.size() >= 0) {
            a.put("size_declared", Long.toString(t.mail.size()));
        }
        if (tls != null) {
            a.put("tls_protocol", tls.getProtocol());
            a.put("tls_cipher", tls.getCipherSuite());
        }
        if (!st.contentFilter().isEmpty()) {
            a.put("filter", st.contentFilter()); // a FILTER action below replaces it, as in Postfix
        }
        Map<String, List<String>> actions = new HashMap<>();
        for (MessageAction action : t.actions) {
            String key;
            String value;
            if (action instanceof MessageAction.Hold) {
                key = "hold";
                value = ((MessageAction.Hold) action).reason();
            } else if (action instanceof MessageAction.Discard) {
                key = "discard";
                value = ((MessageAction.Discard) action).reason();
            } else if (action instanceof MessageAction.Filter) {
                key = "filter";
                value = ((MessageAction.Filter) action).nexthop();
            } else if (action instanceof MessageAction.Redirect) {
                key = "redirect";
                value = ((MessageAction.Redirect) action).address();
            } else if (action instanceof MessageAction.Prepend) {
                key = "prepend";
                value = ((MessageAction.Prepend) action).headerLine();
            } else {
                key = "bcc";
                value = ((MessageAction.Bcc) action).address();
            }
            actions.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        for (Map.Entry<String, List<String>> e : actions.entrySet()) {
            List<String> v = e.getValue();
            switch (e.getKey()) {
                case "prepend":
                case "bcc":
                    a.put(e.getKey(), String.join("\n", v)); // every one, in order
                    break;
                case "filter":
                case "redirect":
                    a.put(e.getKey(), v.get(v.size() - 1)); // the last one wins, as in Postfix
                    break;
                default:
                    a.put(e.getKey(), v.get(0));
            }
        }
        return new Envelope(t.sender(), t.recipients, Instant.now(),
                t.mail.envid() == null ? "" : t.mail.envid(), t.mail.ret() == null ? "" : t.mail.ret(), a);
    }

    private void vrfy(SmtpRequest.Vrfy v) {
        if (!vrfyOffered()) {
            answer("vrfy", SmtpdReplies.VRFY_DISABLED);
            return;
        }
        if (decoder.hasBufferedInput()) {
            pipelining("VRFY");
        }
        // As Postfix: the recipient restrictions run (relay control, unknown recipients); if they
        // pass, RFC 5321 section 3.5.3's 252 "cannot verify, but will accept and attempt delivery".
        String argument = v.argument();
        String address = argument.length() > 1 && argument.startsWith("<") && argument.endsWith(">")
                ? argument.substring(1, argument.length() - 1) : argument;
        check(SmtpStage.RCPT, address, 0, result -> {
            if (!result.accepted()) {
                answer("vrfy", result.reply());
                return;
            }
            answer("vrfy", SmtpdReplies.cannotVerify(LogText.printable(argument)));
        });
    }

    private void startTls() {
        if (!starttlsOffered() || !esmtp) {
            answer("starttls", tls != null && !discards(EhloKeywords.Keyword.STARTTLS)
                    ? SmtpdReplies.TLS_ALREADY_ACTIVE
                    : SmtpdReplies.NOT_IMPLEMENTED);
            return;
        }
        if (tx != null) {
            answer("starttls", SmtpdReplies.TRANSACTION_IN_PROGRESS);
            return;
        }
        // CVE-2011-0411: nothing the client sent after STARTTLS in plaintext may survive.
        if (decoder.hasBufferedInput()) {
            pipelining("STARTTLS");
        }
        decoder.discardBuffered();
        SslHandler ssl = new SslHandler(cx.ssl().newEngine(ctx.alloc()), true);
        ctx.pipeline().addFirst("tls", ssl);
        stats.record("starttls", true);
        send(SmtpdReplies.READY_TO_START_TLS);
        helo = null;
        esmtp = false;
        protocolOverride = null;
        if (saslMethod != null && !saslMethod.equals("XCLIENT")) {
            saslUsername = null; // authenticated in plaintext: not carried into the TLS session
            saslMethod = null;
        }
        abortTransaction();
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                tls = ssl.engine().getSession();
                log("Anonymous TLS connection established from " + client() + ": " + tls.getProtocol()
                        + " with cipher " + tls.getCipherSuite());
                return;
            }
            if (!closing) {
                log("SSL_accept error from " + client() + ": " + LogText.printable(String.valueOf(f.cause())));
                log("lost connection after STARTTLS from " + client());
                closing = true;
            }
            ctx.close();
        });
        pending = false;
        decoder.resume();
    }

    /**
     * XCLIENT: replaces the client attributes, then starts over as if the client had just
     * connected (anvil, CONNECT restrictions, a new 220 greeting), keeping HELO, PROTO and LOGIN
     * only when given. TLS stays.
     */
    private void xclient(SmtpRequest.Xclient x) {
        SmtpReply refusal = null;
        if (tx != null) {
            refusal = SmtpdReplies.TRANSACTION_IN_PROGRESS;
        } else if (x.arguments().isEmpty()) {
            refusal = SmtpdReplies.XCLIENT_SYNTAX;
        } else if (!xclientAllowed) {
            refusal = SmtpdReplies.INSUFFICIENT_AUTHORIZATION;
        } else if (!xclientOffered()) {
            refusal = SmtpdReplies.NOT_IMPLEMENTED;
        }
        XclientAttributes.Update u = refusal == null ? XclientAttributes.xclient(x.arguments()) : null;
        if (u != null && u.error != null) {
            refusal = u.error;
        }
        if (refusal != null) {
            answer("xclient", refusal);
            return;
        }
        stats.record("xclient", true);
        if (u.name != null) {
            clientName = u.name;
            clientNameStatus = u.nameStatus;
        }
        if (u.reverseName != null) {
            reverseClientName = u.reverseName;
            reverseClientNameStatus = u.reverseStatus;
        }
        if (u.address != null) {
            clientAddress = u.address;
            byte[] b = NetUtil.createByteArrayFromIpAddressString(u.address);
            try {
                clientIp = b == null ? null : InetAddress.getByAddress(b);
            } catch (java.net.UnknownHostException e) {
                clientIp = null;
            }
        }
        if (u.port != null) {
            clientPort = u.port;
        }
        if (u.heloGiven) {
            helo = u.helo;
        } else {
            helo = null;
        }
        esmtp = false;
        protocolOverride = u.protocol;
        saslUsername = u.login;
        saslMethod = u.login == null ? null : "XCLIENT";
        abortTransaction();
        xclientAllowed = clientIp != null && st.xclientHosts().matches(clientIp);
        applyClientPolicies();
        if (!countConnection()) {
            return;
        }
        greet("XCLIENT");
    }

    /** XFORWARD: attributes of the up-stream client for the next transaction (logging, Received:). */
    private void xforward(SmtpRequest.Xforward x) {
        SmtpReply refusal = null;
        if (tx != null) {
            refusal = SmtpdReplies.TRANSACTION_IN_PROGRESS;
        } else if (x.arguments().isEmpty()) {
            refusal = SmtpdReplies.XFORWARD_SYNTAX;
        } else if (!xforwardAllowed) {
            refusal = SmtpdReplies.INSUFFICIENT_AUTHORIZATION;
        } else if (!xforwardOffered()) {
            refusal = SmtpdReplies.NOT_IMPLEMENTED;
        }
        Map<String, String> values = null;
        if (refusal == null) {
            SmtpReply[] error = new SmtpReply[1];
            values = XclientAttributes.xforward(x.arguments(), error);
            refusal = error[0];
        }
        if (refusal != null) {
            answer("xforward", refusal);
            return;
        }
        xforward.putAll(values);
        answer("xforward", SmtpdReplies.OK);
    }

    /** AUTH (RFC 4954). */
    private void auth(SmtpRequest.Auth a) {
        SmtpReply refusal = authRefusal(a);
        if (refusal != null) {
            answer("auth", refusal);
            return;
        }
        String local = ctx.channel().localAddress() instanceof InetSocketAddress l && l.getAddress() != null
                ? NetUtil.toAddressString(l.getAddress()) : null;
        ClientInfo client = new ClientInfo(local, clientIp == null ? null : clientAddress, tls != null);
        String initial = a.arguments().size() == 2 ? a.arguments().get(1) : null;
        async(() -> {
            AuthExchange x = new AuthExchange(saslServer(), a.arguments().get(0), client);
            return new Object[] {x, x.start(initial)};
        }, pair -> authStep((AuthExchange) pair[0], (AuthStep) pair[1]));
    }

    /** Why AUTH cannot be used now, in Postfix's order of checks; null when it can. */
    private SmtpReply authRefusal(SmtpRequest.Auth a) {
        SmtpReply encrypt = tlsRequired(); // as for every command but EHLO, HELO, STARTTLS, NOOP, RSET, QUIT
        if (encrypt != null) {
            return encrypt;
        }
        if (st.heloRequired() && helo == null) {
            return SmtpdReplies.SEND_HELO_FIRST;
        }
        if (cx.saslServers() == null || !st.sasl().enabled() || !esmtp || discards(EhloKeywords.Keyword.AUTH)) {
            return SmtpdReplies.AUTH_NOT_ENABLED;
        }
        if (tx != null) {
            return SmtpdReplies.TRANSACTION_IN_PROGRESS;
        }
        if (st.sasl().tlsAuthOnly() && tls == null) {
            // RFC 4954 section 4
            return SmtpdReplies.AUTH_ENCRYPTION_REQUIRED;
        }
        if (saslUsername != null) {
            return SmtpdReplies.ALREADY_AUTHENTICATED;
        }
        if (a.arguments().isEmpty() || a.arguments().size() > 2) {
            return SmtpdReplies.AUTH_SYNTAX;
        }
        return null;
    }

    /** The client's answer to a 334 challenge. */
    private void saslResponse(AuthExchange x, SmtpRequest.SaslResponse r) {
        async(() -> x.respond(r.text()), step -> authStep(x, step));
    }

    /** Sends what one step of the exchange means: a challenge (and reads the answer) or the outcome. */
    private void authStep(AuthExchange x, AuthStep step) {
        if (closing) {
            return;
        }
        String mechanism = LogText.printable(x.mechanism());
        if (step instanceof AuthStep.Challenge c) {
            send(SmtpdReplies.authChallenge(c.base64()));
            authExchange = x;
            decoder.expectSaslResponse(st.sasl().responseLimit());
            pending = false;
            decoder.resume();
        } else if (step instanceof AuthStep.Success s) {
            saslUsername = s.username();
            saslMethod = x.mechanism();
            answer("auth", SmtpdReplies.AUTH_SUCCESSFUL);
        } else if (step instanceof AuthStep.Aborted) {
            SmtpdLog.warn(cx.service(), null, client() + ": SASL " + mechanism + " authentication aborted");
            answer("auth", SmtpdReplies.AUTH_ABORTED);
        } else {
            boolean temporary = step instanceof AuthStep.TemporaryFailure;
            String reason = temporary ? ((AuthStep.TemporaryFailure) step).reason() : ((AuthStep.Failure) step).reason();
            String user = temporary ? ((AuthStep.TemporaryFailure) step).username()
                    : ((AuthStep.Failure) step).username();
            SmtpdLog.warn(cx.service(), null, client() + ": SASL " + mechanism + " authentication failed: "
                    + LogText.printable(reason) + ", sasl_username=" + (user == null ? "(unavailable)"
                    : LogText.printable(user)));
            String text = LogText.printable(reason);
            answer("auth", temporary ? SmtpdReplies.authTemporaryFailure(text)
                    : SmtpdReplies.authFailed(text));
        }
    }

    /**
     * ETRN as Postfix's smtpd: sanity checks, smtpd_etrn_restrictions, then a deferred-queue
     * flush for a domain in fast_flush_domains. Postfix's ETRN replies carry no enhanced status code.
     */
    private void etrn(SmtpRequest.Etrn e) {
        if (discards(EhloKeywords.Keyword.ETRN)) {
            answer("etrn", SmtpdReplies.NOT_IMPLEMENTED);
            return;
        }
        if (st.heloRequired() && helo == null) {
            answer("etrn", SmtpdReplies.ETRN_SEND_HELO_FIRST);
            return;
        }
        if (tx != null) {
            answer("etrn", SmtpdReplies.ETRN_TRANSACTION_IN_PROGRESS);
            return;
        }
        if (e.arguments().size() != 1) {
            answer("etrn", SmtpdReplies.ETRN_SYNTAX);
            return;
        }
        String argument = e.arguments().get(0);
        // RFC 1985 allows "@domain" and "#queue"; Postfix skips any leading non-alphanumeric.
        String domain = Character.isLetterOrDigit(argument.charAt(0)) ? argument : argument.substring(1);
        if (!HostNames.validHostname(domain)) {
            answer("etrn", SmtpdReplies.ETRN_INVALID_PARAMETER);
            return;
        }
        check(SmtpStage.ETRN, domain, 0, result -> {
            if (!result.accepted()) {
                logReject("ETRN", result.reply(), null);
                answer("etrn", result.reply());
                return;
            }
            async(() -> flushSite(domain), reply -> answer("etrn", reply));
        });
    }

    /** Asks the queue manager to retry {@code domain}'s deferred mail, if fast_flush_domains lists it. */
    private SmtpReply flushSite(String domain) {
        try {
            if (!cx.checks().fastFlushDomain(domain)) {
                SmtpdLog.warn(cx.service(), null, "reject: ETRN " + LogText.printable(domain) + "... from "
                        + client() + ": service unavailable");
                return SmtpdReplies.etrnServiceUnavailable(domain);
            }
            if (cx.siteFlush() == null) {
                return SmtpdReplies.ETRN_UNABLE;
            }
            cx.siteFlush().accept(domain);
            return SmtpdReplies.ETRN_QUEUING_STARTED;
        } catch (LookupFailure | RuntimeException failure) {
            SmtpdLog.warn(cx.service(), null, "ETRN " + LogText.printable(domain) + ": " + failure.getMessage());
            return SmtpdReplies.ETRN_UNABLE;
        }
    }

    /** A bare LF under smtpd_forbid_bare_newline = reject: a message is refused, a command line hangs up. */
    private void bareLineFeed(SmtpRequest.BareLineFeed b) {
        String where = lastCommand;
        SmtpdLog.info(cx.service(), tx == null ? null : tx.queueId(), (tx == null ? "NOQUEUE" : tx.queueId())
                + ": reject: bare <LF> received from " + client() + " after " + where);
        SmtpReply reply = SmtpdReplies.bareLineFeed(st.bareNewlineRejectCode(), st.myhostname());
        if (b.afterData()) {
            abortTransaction();
            answer("data", reply);
            return;
        }
        stats.record(where.equals("DATA") ? "data" : "unknown", false);
        close(reply);
    }

    // ------------------------------------------------------------------ replies and flow

    /** Sends the final reply of one command, counts it, applies the error limits, then reads on. */
    private void answer(String verb, Object response) {
        int code = response instanceof SmtpReply ? ((SmtpReply) response).code()
                : ((SmtpResponse) response).lines().get(0).code();
        boolean failed = code >= 400;
        stats.record(verb, !failed);
        boolean sleep = errorCount >= st.softErrorLimit() && !st.errorSleepTime().isZero();
        if (failed) {
            errorCount++;
        }
        Runnable after = () -> {
            if (closing) {
                return;
            }
            if (errorCount >= st.hardErrorLimit()) {
                ctx.write(wire(response)); // leaves with the 421 in one write, as Postfix's do
                log("too many errors after " + lastCommand + " from " + client());
                close(SmtpdReplies.tooManyErrors(st.myhostname()));
                return;
            }
            sendPipelined(response);
            if (shuttingDown && (tx == null || tx.receiver == null)) {
                close(SmtpdReplies.shuttingDown(st.myhostname()));
                return;
            }
            pending = false;
            decoder.resume();
        };
        if (sleep) {
            ctx.executor().schedule(after, st.errorSleepTime().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            after.run();
        }
    }

    private void send(Object response) {
        ctx.writeAndFlush(wire(response));
    }

    /**
     * Like {@link #send} but, while more client input waits in the decoder (PIPELINING), the
     * reply joins the next ones in one write; the decoder flushes when it runs out of input.
     * Postfix's smtpd batches its replies the same way.
     */
    private void sendPipelined(Object response) {
        if (decoder.hasBufferedInput()) {
            ctx.write(wire(response));
        } else {
            send(response);
        }
    }

    private void close(SmtpReply reply) {
        closing = true;
        pending = false;
        ctx.writeAndFlush(wire(reply)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Without the RFC 3463 status codes when ENHANCEDSTATUSCODES is discarded (as Postfix). */
    private Object wire(Object response) {
        if (!discards(EhloKeywords.Keyword.ENHANCEDSTATUSCODES)) {
            return response;
        }
        if (response instanceof SmtpReply) {
            SmtpReply r = (SmtpReply) response;
            return SmtpdReplies.withoutEnhancedCode(r);
        }
        List<SmtpReply> lines = new ArrayList<>();
        for (SmtpReply r : ((SmtpResponse) response).lines()) {
            lines.add(SmtpdReplies.withoutEnhancedCode(r));
        }
        return new SmtpResponse(lines);
    }

    private void abortTransaction() {
        Transaction t = tx;
        tx = null;
        chunkError = null;
        xforward.clear();
        if (t != null && t.message != null && !t.committing) {
            t.message.close();
        }
    }

    // ------------------------------------------------------------------ checks

    private void check(SmtpStage stage, String recipient, long size, Consumer<CheckResult> then) {
        SmtpFacts facts = new SmtpFacts(clientAddress, clientPort, clientName, reverseClientName, helo,
                tx == null ? null : tx.sender(), recipient, tx == null ? 0 : tx.recipients.size(), saslUsername,
                protocol(), illegalPipelining, size, cx.service(), policyAttributes());
        async(() -> {
            try {
                CheckResult r = cx.checks().check(stage, facts);
                return r == null ? CheckResult.DUNNO : r;
            } catch (RuntimeException e) {
                SmtpdLog.warn(cx.service(), null, "restriction check " + stage + " failed: " + e);
                return new CheckResult(CheckResult.Verdict.DEFER,
                        SmtpdReplies.SERVER_CONFIGURATION_ERROR, List.of(), List.of());
            }
        }, then);
    }

    /** The attributes only check_policy_service sends (SMTPD_POLICY_README). */
    private Map<String, String> policyAttributes() {
        Map<String, String> a = new HashMap<>();
        Transaction t = tx;
        if (t != null && t.message != null) {
            a.put("queue_id", t.queueId());
        }
        a.put("instance", instancePrefix + "." + transactions);
        if (saslMethod != null) {
            a.put("sasl_method", saslMethod);
        }
        if (ctx.channel().localAddress() instanceof java.net.InetSocketAddress local) {
            a.put("server_address", local.getAddress().getHostAddress());
            a.put("server_port", Integer.toString(local.getPort()));
        }
        if (tls != null) {
            a.put("encryption_protocol", tls.getProtocol());
            a.put("encryption_cipher", tls.getCipherSuite());
        }
        return a;
    }

    private <T> void async(Supplier<T> work, Consumer<T> then) {
        try {
            cx.executor().execute(() -> {
                T value = work.get();
                try {
                    ctx.executor().execute(() -> then.accept(value));
                } catch (RejectedExecutionException e) {
                    // the event loop is gone (server stopped); the channel is closed with it
                }
            });
        } catch (RejectedExecutionException e) {
            close(SmtpdReplies.serverLocalError(st.myhostname()));
        }
    }

    // ------------------------------------------------------------------ logging

    private String client() {
        return clientName + "[" + clientAddress + "]";
    }

    /** SMTP or ESMTP (or what XCLIENT PROTO said until the next HELO/EHLO). */
    private String baseProtocol() {
        return protocolOverride != null ? protocolOverride : esmtp ? "ESMTP" : "SMTP";
    }

    private String protocol() {
        String p = baseProtocol();
        return tls != null && p.equals("ESMTP") ? p + "S" : p;
    }

    /** The XFORWARD client as name[addr] (or the name alone without an address), else the client. */
    private String forwardOrigin() {
        if (!xforward.containsKey("NAME") && !xforward.containsKey("ADDR")) {
            return client();
        }
        String name = xforward.getOrDefault("NAME", clientName);
        String addr = xforward.getOrDefault("ADDR", clientAddress);
        return addr.equals(ClientHostname.UNKNOWN) ? name : name + "[" + addr + "]";
    }

    private void pipelining(String after) {
        illegalPipelining = true;
        log("improper command pipelining after " + after + " from " + client() + ": "
                + LogText.printable(decoder.peekBuffered(100)));
    }

    private String context(String recipient) {
        return context(tx, recipient);
    }

    private String context(Transaction t, String recipient) {
        StringBuilder sb = new StringBuilder();
        if (t != null) {
            sb.append(" from=<").append(LogText.printable(t.sender())).append('>');
        }
        if (recipient != null) {
            sb.append(" to=<").append(LogText.printable(recipient)).append('>');
        }
        sb.append(" proto=").append(baseProtocol());
        if (helo != null) {
            sb.append(" helo=<").append(LogText.printable(helo)).append('>');
        }
        return sb.toString();
    }

    private void logReject(String command, SmtpReply reply, String recipient) {
        logReject(tx, command, reply, recipient);
    }

    private void logReject(Transaction t, String command, SmtpReply reply, String recipient) {
        String id = t == null ? "NOQUEUE" : t.queueId();
        SmtpdLog.info(cx.service(), t == null ? null : id, id + ": reject: " + command + " from " + client() + ": "
                + reply + ";" + context(t, recipient));
    }

    /** The "hold:" and "discard:" lines Postfix's smtpd logs when an access action fires. */
    private void logActions(Transaction t, String command, CheckResult result, String recipient) {
        for (MessageAction action : result.actions()) {
            String what;
            String reason;
            if (action instanceof MessageAction.Hold hold) {
                what = "hold";
                reason = hold.reason();
            } else if (action instanceof MessageAction.Discard discard) {
                what = "discard";
                reason = discard.reason();
            } else {
                continue;
            }
            SmtpdLog.info(cx.service(), t.message == null ? null : t.queueId(), t.queueId() + ": " + what + ": "
                    + command + " from " + client() + ": " + LogText.printable(reason) + ";" + context(t, recipient));
        }
    }

    private void warnings(CheckResult result, String command, String recipient) {
        for (String w : result.warnings()) {
            String id = tx == null ? "NOQUEUE" : tx.queueId();
            SmtpdLog.info(cx.service(), null, id + ": warn: " + command + " from " + client() + ": "
                    + LogText.printable(w) + ";" + context(recipient));
        }
    }

    private void log(String message) {
        SmtpdLog.info(cx.service(), null, message);
    }
}
