// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.support.LogText;
import org.postern.core.queue.Envelope;
import org.postern.core.smtpd.restrict.MessageAction;

/**
 * SUMMARY   The queue envelope of one transaction, from the session's state: sender, recipients,
 *           DSN parameters, and the attributes cleanup and the queue manager read (client,
 *           HELO, protocol, SASL, TLS, Postfix's log_* attributes, access actions).
 * DESCRIPTION
 *   Built when the queue file is opened (cleanup writes the Received: header from it) and again
 *   at the end of data, with the actions collected by then. HOLD and DISCARD take the first
 *   reason, FILTER and REDIRECT the last value, PREPEND and BCC every one in order, as Postfix.
 * SECURITY  Values are client-supplied (XFORWARD, HELO, MAIL AUTH=) or come from tables.
 * BUGS      The attributes are still a map of strings, not a typed envelope.
 */
final class EnvelopeBuilder {

    private EnvelopeBuilder() {
    }

    /** @param service the master.cf service name of the listener */
    static Envelope envelope(Transaction t, ClientIdentity client, SecurityState security, SmtpdSettings st,
                             String service) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("client_name", client.name());
        a.put("reverse_client_name", client.reverseName());
        a.put("client_address", client.address());
        a.put("client_port", Integer.toString(client.port()));
        if (client.helo() != null) {
            a.put("helo_name", client.helo());
        }
        a.put("protocol", client.protocol(security.tlsActive()));
        if (security.saslUsername() != null) {
            a.put("sasl_method", security.saslMethod());
            a.put("sasl_username", security.saslUsername());
            if (st.sasl().authenticatedHeader() && !security.saslMethod().equals("XCLIENT")) {
                a.put("sasl_authenticated_header", "yes"); // cleanup: "(Authenticated sender: user)" in Received:
            }
        }
        if (t.mail.auth() != null && !t.mail.auth().equals("<>")) {
            a.put("sasl_sender", LogText.printable(t.mail.auth()));
        }
        // Postfix's log_* attributes: the XFORWARD values where given, else the client's own.
        a.put("log_client_name", client.xforward().getOrDefault("NAME", client.name()));
        a.put("log_client_address", client.xforward().getOrDefault("ADDR", client.address()));
        a.put("log_client_port", client.xforward().getOrDefault("PORT", Integer.toString(client.port())));
        a.put("log_message_origin", client.forwardOrigin());
        String forwardHelo = client.xforward().containsKey("HELO") ? client.xforward().get("HELO") : client.helo();
        if (forwardHelo != null) {
            a.put("log_helo_name", forwardHelo);
        }
        a.put("log_protocol_name", client.xforward().getOrDefault("PROTO", client.baseProtocol()));
        if (client.xforward().containsKey("IDENT")) {
            a.put("log_ident", client.xforward().get("IDENT"));
        }
        if (client.xforward().containsKey("SOURCE")) {
            a.put("rewrite_context", client.xforward().get("SOURCE"));
        }
        a.put("service", service);
        if (t.mail.body() != null) {
            a.put("body", t.mail.body());
        }
        a.put("smtputf8", Boolean.toString(t.mail.smtputf8()));
        if (t.mail.size() >= 0) {
            a.put("size_declared", Long.toString(t.mail.size()));
        }
        if (security.tls() != null) {
            a.put("tls_protocol", security.tls().getProtocol());
            a.put("tls_cipher", security.tls().getCipherSuite());
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
}
