// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
        Fields f = new Fields();
        MessageActions actions = MessageActions.NONE;
        for (Attribute a : attributes) {
            String v = a.value();
            switch (a.name()) {
                case "client_name" -> f.clientName = v;
                case "reverse_client_name" -> f.reverseName = v;
                case "client_address" -> f.address = v;
                case "client_port" -> f.port = number(a);
                case "helo_name" -> f.helo = v;
                case "protocol" -> f.protocol = v;
                case "sasl_method" -> f.saslMethod = v;
                case "sasl_username" -> f.saslUsername = v;
                case "sasl_sender" -> f.saslSender = v;
                case "sasl_authenticated_header" -> b.saslHeader("yes".equals(v));
                case "log_client_name" -> f.log[0] = v;
                case "log_client_address" -> f.log[1] = v;
                case "log_client_port" -> f.log[2] = v;
                case "log_message_origin" -> f.log[3] = v;
                case "log_helo_name" -> f.log[4] = v;
                case "log_protocol_name" -> f.log[5] = v;
                case "log_ident" -> f.log[6] = v;
                case "rewrite_context" -> f.log[7] = v;
                case "service" -> b.service(v);
                case "body" -> b.body(BodyType.of(v));
                case "smtputf8" -> b.smtputf8("true".equalsIgnoreCase(v));
                case "size_declared" -> b.sizeDeclared(number(a));
                case "tls_protocol" -> f.tlsProtocol = v;
                case "tls_cipher" -> f.tlsCipher = v;
                case "message_id" -> b.messageId(v);
                case "hold" -> actions = actions.withHold(v);
                case "discard" -> actions = actions.withDiscard(v);
                case "filter" -> actions = actions.withFilter(v);
                case "redirect" -> actions = actions.withRedirect(v);
                case "bcc" -> actions = actions.withBcc(v);
                case "prepend" -> actions = actions.withPrepend(v);
                default -> {
                    // a name this version does not use: ignored
                }
            }
        }
        return b.client(new ClientFacts(f.clientName, f.reverseName, f.address, (int) f.port, f.helo, f.protocol))
                .sasl(new SaslFacts(f.saslMethod, f.saslUsername, f.saslSender))
                .log(new LogFacts(f.log[0], f.log[1], f.log[2], f.log[3], f.log[4], f.log[5], f.log[6], f.log[7]))
                .tls(new TlsFacts(f.tlsProtocol, f.tlsCipher))
                .actions(actions);
    }

    private static long number(Attribute a) throws QueueFile.CorruptQueueFileException {
        try {
            return Long.parseLong(a.value());
        } catch (NumberFormatException e) {
            throw new QueueFile.CorruptQueueFileException("bad number in attribute " + a.name() + ": " + a.value());
        }
    }

    /** The parts of the typed facts that are assembled from several attributes. */
    private static final class Fields {
        String clientName = "";
        String reverseName = "";
        String address = "";
        long port = -1;
        String helo = "";
        String protocol = "";
        String saslMethod = "";
        String saslUsername = "";
        String saslSender = "";
        final String[] log = {"", "", "", "", "", "", "", ""};
        String tlsProtocol = "";
        String tlsCipher = "";
    }
}
