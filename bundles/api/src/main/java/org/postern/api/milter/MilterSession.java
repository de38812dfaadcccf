// SPDX-License-Identifier: Apache-2.0
package org.postern.api.milter;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The filters of one SMTP session, called in the order of the dialogue from one thread at a
 * time (never the event loop: calls block up to the milter timeouts). {@code macros} holds
 * every macro the MTA knows at that point ("j", "{client_addr}", "i", "{auth_authen}",
 * "{tls_version}" ...); the implementation sends those the stage's list names.
 */
@ConsumerType
public interface MilterSession extends AutoCloseable {

    MilterReply connect(ConnectInfo client, Map<String, String> macros);

    MilterReply helo(String helo, Map<String, String> macros);

    /** @param args the MAIL command's ESMTP parameters as sent ("SIZE=123", "BODY=8BITMIME") */
    MilterReply mail(String sender, List<String> args, Map<String, String> macros);

    /** @param args the RCPT command's ESMTP parameters as sent ("NOTIFY=SUCCESS,FAILURE") */
    MilterReply rcpt(String recipient, List<String> args, Map<String, String> macros);

    /**
     * A recipient the MTA's own restrictions refused, for the filters that asked to see those
     * (SMFIP_RCPT_REJ); the others do not hear of it. Their reply never changes the refusal.
     * {@code macros} describe the refusal as Sendmail's error mailer: {@code {rcpt_mailer}} is
     * "error", {@code {rcpt_host}} the enhanced status code, {@code {rcpt_addr}} the text. The
     * default does nothing (an implementation that offers no such filters).
     *
     * @since 0.2
     */
    default void rejectedRcpt(String recipient, List<String> args, Map<String, String> macros) {
    }

    MilterReply data(Map<String, String> macros);

    /** A command smtpd does not know, as sent. */
    MilterReply unknown(String command, Map<String, String> macros);

    /**
     * The message: headers, end of headers, the body (CRLF line ends; read to its end) and the end
     * of message. {@code macros} are those of END_OF_DATA ("i" is there).
     */
    EndOfMessage message(List<HeaderField> headers, InputStream body, Map<String, String> macros);

    /** The transaction ended without a message (RSET, a refusal, a lost client): SMFIC_ABORT. */
    void abort();

    /** The session ended: SMFIC_QUIT, connections closed. */
    @Override
    void close();
}
