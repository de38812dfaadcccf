// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.field.address.AddressFormatter;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.util.MimeUtil;
import org.postern.core.cleanup.TableList.TableFailure;

/**
 * SUMMARY   The addresses in one message's primary sender and recipient headers: rewritten by
 *           canonical maps and masquerading for clients in local_header_rewrite_clients (as
 *           Postfix's cleanup), and the first From: address remembered for
 *           sender_from_header_rewrite.
 * SECURITY  Header values are untrusted; mime4j parses them, and a value it cannot parse is left
 *           as it is.
 */
final class HeaderAddresses {

    private final AddressRewriter rewriter;
    private final boolean rewrite;
    private String firstFrom;

    /**
     * @param rewrite true when the client is one whose headers are rewritten; otherwise headers
     *                are only read for the From: address
     */
    HeaderAddresses(AddressRewriter rewriter, boolean rewrite) {
        this.rewriter = rewriter;
        this.rewrite = rewrite;
    }

    /** The first address of the first From: header, or null when there was none. */
    String fromAddress() {
        return firstFrom;
    }

    /** The header with its addresses rewritten, or null when nothing changed. */
    String rewrite(String name, String value, boolean senderHeader, boolean from)
            throws TableFailure {
        String plain = PlainHeaderAddress.of(value);
        if (plain != null) {
            if (from && firstFrom == null) {
                firstFrom = plain;
            }
            if (!rewrite || rewriter.rewriteHeaderAddress(plain, senderHeader).equals(plain)) {
                return null;
            }
            // changed: the full parser below rebuilds the header as for any other value
        }
        AddressList list;
        try {
            list = DefaultAddressParser.DEFAULT.parseAddressList(MimeUtil.unfold(value));
        } catch (ParseException | RuntimeException e) {
            return null;
        }
        if (from && firstFrom == null) {
            MailboxList boxes = list.flatten();
            if (!boxes.isEmpty()) {
                firstFrom = mailboxAddress(boxes.get(0));
            }
        }
        if (!rewrite) {
            return null;
        }
        boolean changed = false;
        StringBuilder b = new StringBuilder(name).append(": ");
        boolean first = true;
        for (Address a : list) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            if (a instanceof Mailbox) {
                Mailbox m = (Mailbox) a;
                Mailbox n = rewriteMailbox(m, senderHeader);
                changed |= n != m;
                AddressFormatter.DEFAULT.format(b, n, false);
            } else {
                Group g = (Group) a;
                List<Mailbox> members = new ArrayList<>();
                for (Mailbox m : g.getMailboxes()) {
                    Mailbox n = rewriteMailbox(m, senderHeader);
                    changed |= n != m;
                    members.add(n);
                }
                AddressFormatter.DEFAULT.format(b, new Group(g.getName(), members), false);
            }
        }
        return changed ? b.toString() : null;
    }

    private Mailbox rewriteMailbox(Mailbox m, boolean senderHeader) throws TableFailure {
        String before = mailboxAddress(m);
        String after = rewriter.rewriteHeaderAddress(before, senderHeader);
        if (after.equals(before)) {
            return m;
        }
        int at = after.lastIndexOf('@');
        return new Mailbox(m.getName(), m.getRoute(), at < 0 ? after : after.substring(0, at),
                at < 0 ? null : after.substring(at + 1));
    }

    private static String mailboxAddress(Mailbox m) {
        return m.getDomain() == null || m.getDomain().isEmpty() ? m.getLocalPart()
                : m.getLocalPart() + "@" + m.getDomain();
    }
}
