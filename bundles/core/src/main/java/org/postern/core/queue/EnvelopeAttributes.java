// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.message.BodyType;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.SaslFacts;
import org.postern.core.message.Envelope;
import org.postern.core.message.LogFacts;
import org.postern.core.message.MessageActions;
import org.postern.core.message.TlsFacts;

/**
 * SUMMARY   The typed envelope facts as the queue file's named attributes, and back: the one
 *           place that knows the attribute names (Postfix's: client_name, sasl_username,
 *           log_client_address, hold, filter ...).
 * DESCRIPTION
 *   A fact that is empty (or -1, or absent) is not written. {@code smtputf8} is written for
 *   every message from a network client, true or false, as queue files have always had it.
 *   Reading ignores names it does not know, as Postfix does with named attributes.
 */
final class EnvelopeAttributes {

    /** One named attribute. */
    record Attribute(String name, String value) {
    }

    private EnvelopeAttributes() {
    }

    /** The envelope's facts as attributes, sorted by name. */
    static List<Attribute> of(Envelope e) {
        List<Attribute> out = new ArrayList<>();
        ClientFacts c = e.client();
        put(out, "client_name", c.name());
        put(out, "reverse_client_name", c.reverseName());
        put(out, "client_address", c.address());
        if (c.port() >= 0) {
            put(out, "client_port", Integer.toString(c.port()));
        }
        put(out, "helo_name", c.heloName());
        put(out, "protocol", c.protocol());
        SaslFacts s = e.sasl();
        put(out, "sasl_method", s.method());
        put(out, "sasl_username", s.username());
        put(out, "sasl_sender", s.sender());
        if (e.saslHeader()) {
            put(out, "sasl_authenticated_header", "yes");
        }
        LogFacts l = e.log();
        put(out, "log_client_name", l.clientName());
        put(out, "log_client_address", l.clientAddress());
        put(out, "log_client_port", l.clientPort());
        put(out, "log_message_origin", l.messageOrigin());
        put(out, "log_helo_name", l.heloName());
        put(out, "log_protocol_name", l.protocolName());
        put(out, "log_ident", l.ident());
        put(out, "rewrite_context", l.rewriteContext());
        put(out, "service", e.service());
        put(out, "body", e.body().keyword());
        if (c.isRemote() || e.smtputf8()) {
            put(out, "smtputf8", Boolean.toString(e.smtputf8()));
        }
        if (e.sizeDeclared() >= 0) {
            put(out, "size_declared", Long.toString(e.sizeDeclared()));
        }
        if (e.requireTls()) {
            put(out, "requiretls", "true");
        }
        put(out, "tls_protocol", e.tls().protocol());
        put(out, "tls_cipher", e.tls().cipher());
        put(out, "message_id", e.messageId());
        MessageActions a = e.actions();
        a.hold().ifPresent(v -> out.add(new Attribute("hold", v)));
        a.discard().ifPresent(v -> out.add(new Attribute("discard", v)));
        a.filter().ifPresent(v -> out.add(new Attribute("filter", v)));
        a.redirect().ifPresent(v -> out.add(new Attribute("redirect", v)));
        a.bcc().forEach(v -> out.add(new Attribute("bcc", v)));
        a.prepend().forEach(v -> out.add(new Attribute("prepend", v)));
        out.sort(Comparator.comparing(Attribute::name));
        return out;
    }

    private static void put(List<Attribute> out, String name, String value) {
        if (!value.isEmpty()) {
            out.add(new Attribute(name, value));
        }
    }

    /** Sets what the attributes say on the builder (which holds sender, recipients, arrival, DSN). */
    static Envelope.Builder apply(List<Attribute> attributes, Envelope.Builder b) throws QueueFile.CorruptQueueFileException {
        Map<String, String> a = new HashMap<>();
        MessageActions actions = MessageActions.NONE;
        for (Attribute attribute : attributes) {
            switch (attribute.name()) {
                case "bcc" -> actions = actions.withBcc(attribute.value());
                case "prepend" -> actions = actions.withPrepend(attribute.value());
                default -> a.put(attribute.name(), attribute.value());   // names this version does not use are ignored
            }
        }
        if (a.containsKey("hold")) {
            actions = actions.withHold(a.get("hold"));
        }
        if (a.containsKey("discard")) {
            actions = actions.withDiscard(a.get("discard"));
        }
        if (a.containsKey("filter")) {
            actions = actions.withFilter(a.get("filter"));
        }
        if (a.containsKey("redirect")) {
            actions = actions.withRedirect(a.get("redirect"));
        }
        return b.client(new ClientFacts(text(a, "client_name"), text(a, "reverse_client_name"), text(a, "client_address"),
                        (int) number(a, "client_port"), text(a, "helo_name"), text(a, "protocol")))
                .sasl(new SaslFacts(text(a, "sasl_method"), text(a, "sasl_username"), text(a, "sasl_sender")))
                .saslHeader("yes".equals(a.get("sasl_authenticated_header")))
                .log(new LogFacts(text(a, "log_client_name"), text(a, "log_client_address"), text(a, "log_client_port"),
                        text(a, "log_message_origin"), text(a, "log_helo_name"), text(a, "log_protocol_name"),
                        text(a, "log_ident"), text(a, "rewrite_context")))
                .tls(new TlsFacts(text(a, "tls_protocol"), text(a, "tls_cipher")))
                .service(text(a, "service"))
                .body(BodyType.of(a.get("body")))
                .smtputf8("true".equalsIgnoreCase(a.get("smtputf8")))
                .requireTls("true".equalsIgnoreCase(a.get("requiretls")))
                .sizeDeclared(number(a, "size_declared"))
                .messageId(text(a, "message_id"))
                .actions(actions);
    }

    private static String text(Map<String, String> a, String name) {
        return a.getOrDefault(name, "");
    }

    /** A number attribute, -1 when absent. */
    private static long number(Map<String, String> a, String name) throws QueueFile.CorruptQueueFileException {
        String v = a.get(name);
        try {
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new QueueFile.CorruptQueueFileException("bad number in attribute " + name + ": " + v);
        }
    }
}
