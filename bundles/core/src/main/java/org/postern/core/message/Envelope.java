// SPDX-License-Identifier: Apache-2.0
package org.postern.core.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.postern.api.message.BodyType;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.DsnRequest;
import org.postern.api.message.MessageFacts;
import org.postern.api.message.SaslFacts;

/**
 * What smtpd (or sendmail) learned about a message besides its content, as cleanup, the queue
 * and the queue manager pass it on. Immutable; {@link #builder} and {@link #toBuilder} make
 * changed copies.
 *
 * @param sender          MAIL FROM address; empty for the null sender {@code <>}
 * @param recipients      RCPT TO recipients, in order
 * @param arrival         when the client finished sending (the time of the 250 reply)
 * @param dsn             ENVID= and RET=
 * @param client          the SMTP client ({@link ClientFacts#local} for local submissions)
 * @param sasl            the client's SMTP AUTH login and MAIL FROM AUTH=
 * @param saslHeader      smtpd_sasl_authenticated_header: name the login in Received:
 * @param tls             the TLS session the message came over
 * @param log             the client as logs name it (XFORWARD)
 * @param service         the master.cf service that received it, empty when none
 * @param body            BODY=
 * @param smtputf8        SMTPUTF8 requested
 * @param sizeDeclared    SIZE=, or -1 when none was given
 * @param messageId       the Message-ID: cleanup saw or added, empty before cleanup
 * @param actions         hold, discard, filter, redirect, bcc and prepend decisions
 * @param requireTls      MAIL FROM's REQUIRETLS (RFC 8689)
 */
public record Envelope(String sender, List<EnvelopeRecipient> recipients, Instant arrival, DsnRequest dsn,
                       ClientFacts client, SaslFacts sasl, boolean saslHeader, TlsFacts tls, LogFacts log,
                       String service, BodyType body, boolean smtputf8, long sizeDeclared, String messageId,
                       MessageActions actions, boolean requireTls) {

    public Envelope {
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(dsn, "dsn");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sasl, "sasl");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(actions, "actions");
    }

    /** An envelope with nothing known but sender, recipients and arrival (a local client, no actions). */
    public static Builder builder(String sender, List<EnvelopeRecipient> recipients, Instant arrival) {
        return new Builder(sender, recipients, arrival);
    }

    public Builder toBuilder() {
        return new Builder(sender, recipients, arrival).dsn(dsn).client(client).sasl(sasl).saslHeader(saslHeader)
                .tls(tls).log(log).service(service).body(body).smtputf8(smtputf8).sizeDeclared(sizeDeclared)
                .messageId(messageId).actions(actions).requireTls(requireTls);
    }

    /** What a delivery agent is told about this message. */
    public MessageFacts facts() {
        return new MessageFacts(arrival, dsn, body, smtputf8, messageId, client, sasl, requireTls);
    }

    /** Collects an envelope's parts; the defaults are those of {@link #builder}. */
    public static final class Builder {
        private String sender;
        private List<EnvelopeRecipient> recipients;
        private Instant arrival;
        private DsnRequest dsn = DsnRequest.NONE;
        private ClientFacts client = ClientFacts.local("");
        private SaslFacts sasl = SaslFacts.NONE;
        private boolean saslHeader;
        private TlsFacts tls = TlsFacts.NONE;
        private LogFacts log = LogFacts.NONE;
        private String service = "";
        private BodyType body = BodyType.UNSPECIFIED;
        private boolean smtputf8;
        private boolean requireTls;
        private long sizeDeclared = -1;
        private String messageId = "";
        private MessageActions actions = MessageActions.NONE;

        private Builder(String sender, List<EnvelopeRecipient> recipients, Instant arrival) {
            this.sender = sender;
            this.recipients = recipients;
            this.arrival = arrival;
        }

        public Builder sender(String value) {
            sender = value;
            return this;
        }

        public Builder recipients(List<EnvelopeRecipient> value) {
            recipients = value;
            return this;
        }

        public Builder arrival(Instant value) {
            arrival = value;
            return this;
        }

        public Builder dsn(DsnRequest value) {
            dsn = value;
            return this;
        }

        public Builder client(ClientFacts value) {
            client = value;
            return this;
        }

        public Builder sasl(SaslFacts value) {
            sasl = value;
            return this;
        }

        public Builder saslHeader(boolean value) {
            saslHeader = value;
            return this;
        }

        public Builder tls(TlsFacts value) {
            tls = value;
            return this;
        }

        public Builder log(LogFacts value) {
            log = value;
            return this;
        }

        public Builder service(String value) {
            service = value;
            return this;
        }

        public Builder body(BodyType value) {
            body = value;
            return this;
        }

        public Builder smtputf8(boolean value) {
            smtputf8 = value;
            return this;
        }

        public Builder sizeDeclared(long value) {
            sizeDeclared = value;
            return this;
        }

        public Builder messageId(String value) {
            messageId = value;
            return this;
        }

        public Builder actions(MessageActions value) {
            actions = value;
            return this;
        }

        public Builder requireTls(boolean value) {
            requireTls = value;
            return this;
        }

        public Envelope build() {
            return new Envelope(sender, recipients, arrival, dsn, client, sasl, saslHeader, tls, log, service, body,
                    smtputf8, sizeDeclared, messageId, actions, requireTls);
        }
    }
}
