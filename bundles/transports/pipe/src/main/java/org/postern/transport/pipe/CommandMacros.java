// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.Recipient;
import org.postern.api.message.ClientFacts;
import org.postern.api.message.SaslFacts;
import org.postern.transport.delivery.MessageCopier;

/**
 * SUMMARY   The values of pipe(8)'s command-line macros for one request and its recipients.
 * DESCRIPTION
 *   Per message: sender (null sender: the null_sender= text), nexthop, size, queue_id and the
 *   client facts smtpd recorded (client_address, client_hostname, client_helo, client_port,
 *   client_protocol, sasl_method, sasl_sender, sasl_username). Per recipient: recipient,
 *   original_recipient, mailbox (the whole localpart), user and extension (split at the first
 *   recipient_delimiter character), domain. Flags as pipe(8): h folds the domain part of the
 *   addresses and all of $domain and $nexthop to lower case; u folds the localparts and
 *   $user, $extension, $mailbox; q quotes the localparts of $sender, $recipient and
 *   $original_recipient as RFC 822 does (the empty null_sender stays empty).
 *   original_recipient is the ORCPT address when the client gave one (its "rfc822;" type
 *   and xtext encoding removed), else the recipient address.
 * SECURITY  All values are chosen by remote senders; they only ever become exec arguments.
 */
final class CommandMacros {

    private static final String RFC822_SPECIALS = "()<>@,;:\\\".[]";

    private CommandMacros() {
    }

    static Map<String, String> message(DeliveryRequest request, PipeAttributes attributes) {
        Set<PipeFlag> flags = attributes.flags();
        Map<String, String> m = new LinkedHashMap<>();
        String sender = request.sender().isEmpty() ? attributes.nullSender() : request.sender();
        m.put("sender", flags.contains(PipeFlag.QUOTE) && !sender.isEmpty() ? quoteAddress(sender) : sender);
        String nexthop = request.nexthop();
        m.put("nexthop", flags.contains(PipeFlag.FOLD_HOST) ? nexthop.toLowerCase(Locale.ROOT) : nexthop);
        m.put("size", Long.toString(request.content().size()));
        m.put("queue_id", request.queueId());
        ClientFacts client = request.facts().client();
        m.put("client_address", client.address());
        m.put("client_hostname", client.name());
        m.put("client_helo", client.heloName());
        m.put("client_port", client.port() < 0 ? "" : Integer.toString(client.port()));
        m.put("client_protocol", client.protocol());
        SaslFacts sasl = request.facts().sasl();
        m.put("sasl_method", sasl.method());
        m.put("sasl_sender", sasl.sender());
        m.put("sasl_username", sasl.username());
        return m;
    }

    static Map<String, String> recipient(Recipient r, PipeAttributes attributes, String delimiters) {
        Set<PipeFlag> flags = attributes.flags();
        boolean foldUser = flags.contains(PipeFlag.FOLD_USER);
        boolean foldHost = flags.contains(PipeFlag.FOLD_HOST);
        boolean quote = flags.contains(PipeFlag.QUOTE);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("recipient", address(r.address(), foldUser, foldHost, quote));
        m.put("original_recipient", address(originalRecipient(r), foldUser, foldHost, quote));
        int at = r.address().lastIndexOf('@');
        String local = at < 0 ? r.address() : r.address().substring(0, at);
        String domain = at < 0 ? "" : r.address().substring(at + 1);
        if (foldUser) {
            local = local.toLowerCase(Locale.ROOT);
        }
        m.put("mailbox", local);
        int split = -1;
        for (int i = 0; i < local.length() && split < 0 && !delimiters.isEmpty(); i++) {
            if (delimiters.indexOf(local.charAt(i)) >= 0) {
                split = i;
            }
        }
        m.put("user", split < 0 ? local : local.substring(0, split));
        m.put("extension", split < 0 ? "" : local.substring(split + 1));
        m.put("domain", foldHost ? domain.toLowerCase(Locale.ROOT) : domain);
        return m;
    }

    /**
     * The ORCPT address (rfc822 type, xtext decoded) as X-Original-To: has it, or the
     * recipient address when there is none or it decodes to nothing.
     */
    static String originalRecipient(Recipient r) {
        String original = MessageCopier.originalRecipient(r);
        return original.isEmpty() ? r.address() : original;
    }

    private static String address(String address, boolean foldUser, boolean foldHost, boolean quote) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? null : address.substring(at + 1);
        if (foldUser) {
            local = local.toLowerCase(Locale.ROOT);
        }
        if (quote) {
            local = quoteLocalPart(local);
        }
        if (domain == null) {
            return local;
        }
        return local + "@" + (foldHost ? domain.toLowerCase(Locale.ROOT) : domain);
    }

    /** The address with its localpart quoted as RFC 822 requires. */
    static String quoteAddress(String address) {
        return address(address, false, false, true);
    }

    /**
     * Quotes an RFC 822 localpart when it needs it: whitespace, controls or specials, or dots
     * at the start, the end or twice in a row. Inside quotes, '"' and '\' are backslash-escaped.
     * 8-bit characters need no quoting (Postfix's "8-bit transparent" RFC 822).
     */
    static String quoteLocalPart(String local) {
        boolean needs = local.startsWith(".") || local.endsWith(".") || local.contains("..");
        for (int i = 0; i < local.length() && !needs; i++) {
            char c = local.charAt(i);
            needs = c <= ' ' || c == 0x7f || (c != '.' && RFC822_SPECIALS.indexOf(c) >= 0);
        }
        if (!needs) {
            return local;
        }
        StringBuilder b = new StringBuilder(local.length() + 4).append('"');
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
