// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.InetSocketAddress;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.sasl.AuthExchange;
import org.postern.core.smtpd.sasl.AuthStep;
import org.postern.core.smtpd.sasl.ClientInfo;

import io.netty.util.NetUtil;

/**
 * SUMMARY   AUTH (RFC 4954) against the authentication server (Postfix's Dovecot backend): the
 *           refusals in Postfix's order, then the challenge and response exchange.
 * DESCRIPTION
 *   Announced after EHLO when enabled, the server offers mechanisms and TLS is active where
 *   smtpd_tls_auth_only asks for it. Each step of the exchange runs off the event loop
 *   ({@link AuthExchange}); a 334 challenge makes the decoder read the next line as the
 *   client's answer. The user goes into {@link SecurityState}: SmtpFacts
 *   (permit_sasl_authenticated) and the envelope (sasl_method, sasl_username) see it.
 * SECURITY  The exchange is client input, bounded by the response line limit; failures are
 *           logged with the user name the server reported, made printable. Password guessing
 *           is slowed by smtpd_client_auth_rate_limit ({@link ClientRateLimits}).
 * BUGS      AUTH before EHLO or after HELO is refused as not enabled (Postfix accepts it).
 */
final class AuthHandler {

    private final SmtpSession s;

    AuthHandler(SmtpSession session) {
        this.s = session;
    }

    void auth(SmtpRequest.Auth a) {
        SmtpReply refusal = s.rates.auth(); // before anything else, as Postfix's AUTH wrapper
        if (refusal == null) {
            refusal = refusal(a);
        }
        if (refusal != null) {
            s.answer("auth", refusal);
            return;
        }
        String local = s.ctx().channel().localAddress() instanceof InetSocketAddress l && l.getAddress() != null
                ? NetUtil.toAddressString(l.getAddress()) : null;
        ClientInfo client = new ClientInfo(local, s.client.ip() == null ? null : s.client.address(),
                s.security.tlsActive());
        String initial = a.arguments().size() == 2 ? a.arguments().get(1) : null;
        s.async(() -> {
            AuthExchange x = new AuthExchange(s.security.saslServer(), a.arguments().get(0), client);
            return new Object[] {x, x.start(initial)};
        }, pair -> step((AuthExchange) pair[0], (AuthStep) pair[1]));
    }

    /** Why AUTH cannot be used now, in Postfix's order of checks; null when it can. */
    private SmtpReply refusal(SmtpRequest.Auth a) {
        SmtpReply encrypt = s.extensions.tlsRequired(); // as for every command but EHLO, HELO, STARTTLS, NOOP, RSET, QUIT
        if (encrypt != null) {
            return encrypt;
        }
        SmtpdSettings st = s.st;
        if (st.heloRequired() && s.client.helo() == null) {
            return SmtpdReplies.SEND_HELO_FIRST;
        }
        if (s.cx.saslServers() == null || !st.sasl().enabled() || !s.client.esmtp()
                || s.extensions.discards(EhloKeywords.Keyword.AUTH)) {
            return SmtpdReplies.AUTH_NOT_ENABLED;
        }
        if (s.tx() != null) {
            return SmtpdReplies.TRANSACTION_IN_PROGRESS;
        }
        if (st.sasl().tlsAuthOnly() && !s.security.tlsActive()) {
            return SmtpdReplies.AUTH_ENCRYPTION_REQUIRED;
        }
        if (s.security.saslUsername() != null) {
            return SmtpdReplies.ALREADY_AUTHENTICATED;
        }
        if (a.arguments().isEmpty() || a.arguments().size() > 2) {
            return SmtpdReplies.AUTH_SYNTAX;
        }
        return null;
    }

    /** The client's answer to a 334 challenge. */
    void response(AuthExchange x, SmtpRequest.SaslResponse r) {
        s.async(() -> x.respond(r.text()), step -> step(x, step));
    }

    /** Sends what one step of the exchange means: a challenge (and reads the answer) or the outcome. */
    private void step(AuthExchange x, AuthStep step) {
        if (s.closing()) {
            return;
        }
        String mechanism = LogText.printable(x.mechanism());
        if (step instanceof AuthStep.Challenge c) {
            s.send(SmtpdReplies.authChallenge(c.base64()));
            s.security.awaitResponse(x);
            s.decoder.expectSaslResponse(s.st.sasl().responseLimit());
            s.readOn();
        } else if (step instanceof AuthStep.Success success) {
            s.security.authenticated(success.username(), x.mechanism());
            s.answer("auth", SmtpdReplies.AUTH_SUCCESSFUL);
        } else if (step instanceof AuthStep.Aborted) {
            s.log.warn(s.log.client() + ": SASL " + mechanism + " authentication aborted");
            s.answer("auth", SmtpdReplies.AUTH_ABORTED);
        } else {
            boolean temporary = step instanceof AuthStep.TemporaryFailure;
            String reason = temporary ? ((AuthStep.TemporaryFailure) step).reason() : ((AuthStep.Failure) step).reason();
            String user = temporary ? ((AuthStep.TemporaryFailure) step).username()
                    : ((AuthStep.Failure) step).username();
            s.log.warn(s.log.client() + ": SASL " + mechanism + " authentication failed: "
                    + LogText.printable(reason) + ", sasl_username=" + (user == null ? "(unavailable)"
                    : LogText.printable(user)));
            String text = LogText.printable(reason);
            s.answer("auth", temporary ? SmtpdReplies.authTemporaryFailure(text) : SmtpdReplies.authFailed(text));
        }
    }
}
