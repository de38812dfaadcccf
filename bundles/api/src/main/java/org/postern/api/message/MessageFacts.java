// SPDX-License-Identifier: Apache-2.0
package org.postern.api.message;

import java.time.Instant;
import java.util.Objects;

/**
 * What a delivery agent may know about a message besides its sender, recipients and content.
 *
 * @param arrival   when the message was queued
 * @param dsn       ENVID= and RET=
 * @param body      BODY= as the client declared it
 * @param smtputf8  true when the client asked for SMTPUTF8
 * @param messageId the Message-ID: header cleanup saw, empty when there was none
 * @param client    the SMTP client ({@link ClientFacts#local} for local submissions)
 * @param sasl      the client's SMTP AUTH login ({@link SaslFacts#NONE} when none)
 * @param requireTls the client gave MAIL FROM's REQUIRETLS (RFC 8689): the message may travel
 *                   only over TLS whose certificate was authenticated (DANE, MTA-STS, verify)
 */
public record MessageFacts(Instant arrival, DsnRequest dsn, BodyType body, boolean smtputf8, String messageId,
                           ClientFacts client, SaslFacts sasl, boolean requireTls) {

    public MessageFacts {
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(dsn, "dsn");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(sasl, "sasl");
    }

    /** The facts of a message without REQUIRETLS. */
    public MessageFacts(Instant arrival, DsnRequest dsn, BodyType body, boolean smtputf8, String messageId,
                        ClientFacts client, SaslFacts sasl) {
        this(arrival, dsn, body, smtputf8, messageId, client, sasl, false);
    }

    /** Facts for a message that arrived now from nowhere in particular (tests, tools). */
    public static MessageFacts none(Instant arrival) {
        return new MessageFacts(arrival, DsnRequest.NONE, BodyType.UNSPECIFIED, false, "", ClientFacts.local(""),
                SaslFacts.NONE);
    }

    /** The same facts with other DSN parameters. */
    public MessageFacts withDsn(DsnRequest other) {
        return new MessageFacts(arrival, other, body, smtputf8, messageId, client, sasl, requireTls);
    }

    /** The same facts with another client. */
    public MessageFacts withClient(ClientFacts other) {
        return new MessageFacts(arrival, dsn, body, smtputf8, messageId, other, sasl, requireTls);
    }

    /** The same facts with or without REQUIRETLS. */
    public MessageFacts withRequireTls(boolean value) {
        return new MessageFacts(arrival, dsn, body, smtputf8, messageId, client, sasl, value);
    }
}
