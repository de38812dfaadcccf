// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.ServiceSettings;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.MessageFacts;

/** Builds delivery requests for the tests: settings over a map, content over bytes. */
final class Requests {

    static final String MESSAGE = "From: a@example.org\r\nTo: u@example.com\r\nSubject: test\r\n\r\nHello.\r\n.hidden dot\r\n";

    final Map<String, String> settings = new HashMap<>(Map.of("myhostname", "client.example.org",
            "smtp_helo_timeout", "5s", "smtp_mail_timeout", "5s", "smtp_rcpt_timeout", "5s",
            "smtp_data_init_timeout", "5s", "smtp_data_xfer_timeout", "5s", "smtp_data_done_timeout", "5s",
            "smtp_connect_timeout", "5s"));
    String nexthop;
    String sender = "a@example.org";
    List<Recipient> recipients = List.of(rcpt("u@example.com"));
    byte[] content = MESSAGE.getBytes(StandardCharsets.UTF_8);
    MessageFacts facts = MessageFacts.none(Instant.EPOCH);

    Requests(String nexthop) {
        this.nexthop = nexthop;
    }

    static Requests to(String nexthop) {
        return new Requests(nexthop);
    }

    static Recipient rcpt(String address) {
        return new Recipient(address, "", Set.of());
    }

    Requests set(String name, String value) {
        settings.put(name, value);
        return this;
    }

    Requests recipients(String... addresses) {
        recipients = java.util.Arrays.stream(addresses).map(Requests::rcpt).toList();
        return this;
    }

    Requests recipients(List<Recipient> list) {
        recipients = list;
        return this;
    }

    Requests content(String text) {
        content = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Requests dsn(String envelopeId, DsnRequest.Return ret) {
        facts = facts.withDsn(new DsnRequest(envelopeId, ret));
        return this;
    }

    /** MAIL FROM's REQUIRETLS was given when the message arrived. */
    Requests requireTls() {
        facts = facts.withRequireTls(true);
        return this;
    }

    Requests smtputf8() {
        facts = new MessageFacts(facts.arrival(), facts.dsn(), facts.body(), true, facts.messageId(), facts.client(),
                facts.sasl());
        return this;
    }

    DeliveryRequest build() {
        Map<String, String> s = Map.copyOf(settings);
        ServiceSettings serviceSettings = s::get;
        byte[] bytes = content;
        MessageContent messageContent = new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
        return new DeliveryRequest("4TESTQID", "smtp", nexthop, sender, recipients, messageContent,
                facts, List.of(), serviceSettings);
    }
}
