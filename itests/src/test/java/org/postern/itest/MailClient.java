// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import java.util.Properties;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Sends one message over SMTP to 127.0.0.1 (Jakarta Mail) and tells how the server answered. */
final class MailClient {

    private MailClient() {
    }

    /**
     * Sends a message with the given Message-ID (without angle brackets) and a text body.
     *
     * @return 250 when the server took it, or the reply code it refused it with (4xx, 5xx)
     * @throws MessagingException when there was no SMTP refusal (connection refused, dropped)
     */
    static int send(int port, String from, String to, String messageId, String subject, String text)
            throws MessagingException {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(port));
        props.put("mail.smtp.localhost", "client.example.org");
        props.put("mail.smtp.from", from);
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<" + messageId + ">");   // Transport.send would make a new one
            }
        };
        m.setFrom(new InternetAddress(from));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText(text);
        try {
            Transport.send(m);
            return 250;
        } catch (MessagingException e) {
            for (Throwable t = e; t != null; t = t instanceof MessagingException me && me.getNextException() != null
                    ? me.getNextException() : t.getCause()) {
                if (t instanceof SMTPAddressFailedException a) {
                    return a.getReturnCode();
                }
                if (t instanceof SMTPSendFailedException s && s.getReturnCode() > 0) {
                    return s.getReturnCode();
                }
            }
            throw e;
        }
    }
}
