// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.Map;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;

/**
 * SUMMARY   XCLIENT and XFORWARD (Postfix's XCLIENT_README, XFORWARD_README): a trusted proxy or
 *           content filter tells who the real client is.
 * DESCRIPTION
 *   XCLIENT replaces the client attributes, then starts over as if the client had just
 *   connected (anvil, CONNECT restrictions, a new 220 greeting), keeping HELO, PROTO and LOGIN
 *   only when given. TLS stays. XFORWARD attributes go into the envelope as Postfix's log_*
 *   attributes and are forgotten after each transaction.
 * SECURITY  Only clients in smtpd_authorized_xclient_hosts / smtpd_authorized_xforward_hosts;
 *           the attributes are still checked ({@link XclientAttributes}).
 * BUGS      Accepted after HELO too (authorization is the gate).
 */
final class XclientHandler {

    private final SmtpSession s;
    private final ConnectHandler connect;

    XclientHandler(SmtpSession session, ConnectHandler connect) {
        this.s = session;
        this.connect = connect;
    }

    void xclient(SmtpRequest.Xclient x) {
        SmtpReply refusal = null;
        if (s.tx() != null) {
            refusal = SmtpdReplies.TRANSACTION_IN_PROGRESS;
        } else if (x.arguments().isEmpty()) {
            refusal = SmtpdReplies.XCLIENT_SYNTAX;
        } else if (!s.client.xclientAllowed()) {
            refusal = SmtpdReplies.INSUFFICIENT_AUTHORIZATION;
        } else if (!s.extensions.xclientOffered()) {
            refusal = SmtpdReplies.NOT_IMPLEMENTED;
        }
        XclientAttributes.Update u = refusal == null ? XclientAttributes.xclient(x.arguments()) : null;
        if (u != null && u.error != null) {
            refusal = u.error;
        }
        if (refusal != null) {
            s.answer("xclient", refusal);
            return;
        }
        s.stats.record("xclient", true);
        s.client.replace(u, s.st);
        s.security.xclientLogin(u.login);
        s.abortTransaction();
        connect.reconnect();
    }

    void xforward(SmtpRequest.Xforward x) {
        SmtpReply refusal = null;
        if (s.tx() != null) {
            refusal = SmtpdReplies.TRANSACTION_IN_PROGRESS;
        } else if (x.arguments().isEmpty()) {
            refusal = SmtpdReplies.XFORWARD_SYNTAX;
        } else if (!s.client.xforwardAllowed()) {
            refusal = SmtpdReplies.INSUFFICIENT_AUTHORIZATION;
        } else if (!s.extensions.xforwardOffered()) {
            refusal = SmtpdReplies.NOT_IMPLEMENTED;
        }
        Map<String, String> values = null;
        if (refusal == null) {
            SmtpReply[] error = new SmtpReply[1];
            values = XclientAttributes.xforward(x.arguments(), error);
            refusal = error[0];
        }
        if (refusal != null) {
            s.answer("xforward", refusal);
            return;
        }
        s.client.forward(values);
        s.answer("xforward", SmtpdReplies.OK);
    }
}
