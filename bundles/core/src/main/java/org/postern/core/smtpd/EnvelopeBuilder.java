// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.time.Instant;
import java.util.List;

import org.postern.api.message.BodyType;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.SaslFacts;
import org.postern.api.support.LogText;
import org.postern.core.message.Envelope;
import org.postern.core.message.LogFacts;
import org.postern.core.message.MessageActions;
import org.postern.core.message.TlsFacts;
import org.postern.core.smtpd.restrict.MessageAction;

/**
 * SUMMARY   The queue envelope of one transaction, from the session's state: sender, recipients,
 *           DSN parameters, the client, SASL and TLS facts, Postfix's log_* facts (XFORWARD) and
 *           the access(5) actions.
 * DESCRIPTION
 *   Built when the queue file is opened (cleanup writes the Received: header from it) and again
 *   at the end of data, with the actions collected by then. HOLD and DISCARD take the first
 *   reason, FILTER and REDIRECT the last value (a FILTER replaces content_filter), PREPEND and
 *   BCC every one in order, as Postfix.
 * SECURITY  Values are client-supplied (XFORWARD, HELO, MAIL AUTH=) or come from tables.
 */
final class EnvelopeBuilder {

    private EnvelopeBuilder() {
    }

    /** @param service the master.cf service name of the listener */
    static Envelope envelope(Transaction t, ClientIdentity client, SecurityState security, SmtpdSettings st,
                             String service) {
        ClientFacts facts = new ClientFacts(client.name(), client.reverseName(), client.address(), client.port(),
                client.helo() == null ? "" : client.helo(), client.protocol(security.tlsActive()));
        String authSender = t.mail.auth() != null && !t.mail.auth().equals("<>") ? LogText.printable(t.mail.auth()) : "";
        boolean loggedIn = security.saslUsername() != null;
        SaslFacts sasl = loggedIn ? new SaslFacts(security.saslMethod(), security.saslUsername(), authSender)
                : new SaslFacts("", "", authSender);
        // cleanup: "(Authenticated sender: user)" in Received:
        boolean saslHeader = loggedIn && st.sasl().authenticatedHeader() && !security.saslMethod().equals("XCLIENT");
        return Envelope.builder(t.sender(), t.recipients, Instant.now())
                .dsn(new DsnRequest(t.mail.envid() == null ? "" : t.mail.envid(), DsnRequest.Return.of(t.mail.ret())))
                .client(facts).sasl(sasl).saslHeader(saslHeader).log(logFacts(client)).service(service)
                .body(BodyType.of(t.mail.body())).smtputf8(t.mail.smtputf8()).sizeDeclared(Math.max(-1, t.mail.size()))
                .tls(tlsFacts(security, st))
                .actions(actions(t.actions, st.contentFilter()))
                .build();
    }

    /** The session's TLS; the Received: comment only with smtpd_tls_received_header = yes. */
    private static TlsFacts tlsFacts(SecurityState security, SmtpdSettings st) {
        if (security.tls() == null) {
            return TlsFacts.NONE;
        }
        String comment = st.tls().receivedHeader() && security.tlsInfo() != null
                ? security.tlsInfo().receivedComment() : "";
        return new TlsFacts(security.tls().getProtocol(), security.tls().getCipherSuite(), comment);
    }

    /** Postfix's log_* facts: the XFORWARD values where given, else the client's own. */
    private static LogFacts logFacts(ClientIdentity client) {
        var xforward = client.xforward();
        String helo = xforward.containsKey("HELO") ? xforward.get("HELO") : client.helo();
        return new LogFacts(xforward.getOrDefault("NAME", client.name()),
                xforward.getOrDefault("ADDR", client.address()),
                xforward.getOrDefault("PORT", Integer.toString(client.port())), client.forwardOrigin(),
                helo == null ? "" : helo, xforward.getOrDefault("PROTO", client.baseProtocol()),
                xforward.getOrDefault("IDENT", ""), xforward.getOrDefault("SOURCE", ""));
    }

    /** The transaction's actions over content_filter (empty for none). */
    private static MessageActions actions(List<MessageAction> taken, String contentFilter) {
        MessageActions a = contentFilter.isEmpty() ? MessageActions.NONE : MessageActions.NONE.withFilter(contentFilter);
        for (MessageAction action : taken) {
            if (action instanceof MessageAction.Hold h) {
                a = a.hold().isPresent() ? a : a.withHold(h.reason());
            } else if (action instanceof MessageAction.Discard d) {
                a = a.discard().isPresent() ? a : a.withDiscard(d.reason());
            } else if (action instanceof MessageAction.Filter f) {
                a = a.withFilter(f.nexthop());
            } else if (action instanceof MessageAction.Redirect r) {
                a = a.withRedirect(r.address());
            } else if (action instanceof MessageAction.Prepend p) {
                a = a.withPrepend(p.headerLine());
            } else if (action instanceof MessageAction.Bcc b) {
                a = a.withBcc(b.address());
            }
        }
        return a;
    }
}
