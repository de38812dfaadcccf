// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import org.postern.api.message.ClientFacts;
import org.postern.core.message.Envelope;

/**
 * SUMMARY   The Received: header cleanup puts first, in Postfix's layout: client (HELO, verified
 *           name, address), TLS protocol and cipher (smtpd_tls_received_header), the authenticated sender when smtpd asks for
 *           it, "by" this host, protocol, queue ID, the recipient when there is exactly one, date.
 * SECURITY  The HELO name and SASL login come from the client; smtpd has already made them
 *           printable, and the login loses CR, LF and parentheses here.
 */
final class ReceivedHeader {

    private ReceivedHeader() {
    }

    /** The header, without its final line end; continuation lines start with CRLF and a tab. */
    static String of(Envelope env, String myhostname, String queueId, String date) {
        ClientFacts c = env.client();
        StringBuilder b = new StringBuilder("Received:");
        if (c.isRemote()) {
            String addr = c.address();
            String name = c.name().isEmpty() ? "unknown" : c.name();
            String rfcAddr = addr.indexOf(':') >= 0 && !addr.startsWith("IPv6:") ? "IPv6:" + addr : addr;
            b.append(" from ").append(c.heloName().isEmpty() ? name : c.heloName())
                    .append(" (").append(name).append(" [").append(rfcAddr).append("])\r\n\t");
            if (!env.tls().receivedComment().isEmpty()) {
                // smtpd_tls_received_header = yes: smtpd's lines, as Postfix writes them.
                b.append(env.tls().receivedComment()).append("\r\n\t");
            }
            String user = env.sasl().username();
            if (env.saslHeader() && !user.isEmpty()) {
                // smtpd_sasl_authenticated_header = yes, as Postfix writes it.
                b.append("(Authenticated sender: ").append(user.replaceAll("[\\r\\n()]", "?")).append(")\r\n\t");
            }
        } else {
            b.append(' ');
        }
        b.append("by ").append(myhostname).append(" (Postern)");
        if (c.isRemote()) {
            b.append(" with ").append(c.protocol().isEmpty() ? "SMTP" : c.protocol());
        }
        b.append(" id ").append(queueId);
        if (env.recipients().size() == 1) {
            b.append("\r\n\tfor <").append(env.recipients().get(0).address()).append('>');
        }
        return b.append("; ").append(date).toString();
    }
}
