// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.ASTaddr_spec;
import org.apache.james.mime4j.field.address.ASTaddress_list;
import org.apache.james.mime4j.field.address.AddressListParser;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.Node;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.field.address.TokenMgrError;

/**
 * SUMMARY   Replaces the addr-specs of one address-list header value (From:, To:, ...) by
 *           their mapped form, leaving everything else byte for byte: display names,
 *           comments, groups, route prefixes, folding.
 * DESCRIPTION
 *   mime4j's RFC 5322 address-list grammar finds the addr-specs and their columns; the
 *   grammar sees a copy of the value in which folding (CR, LF, TAB) is blanked and
 *   non-ASCII characters are masked as "x", one character for one, so that the columns
 *   are those of the original text. The mapper receives the internal form (quotes
 *   removed, "local@domain"); a changed result is written back with its local part
 *   quoted when it is not a dot-atom.
 * SECURITY  The value is untrusted message text; the parser is mime4j's, with its errors
 *   caught: a value it cannot parse is left as it is.
 * BUGS      Values mime4j rejects are not rewritten: empty groups ("undisclosed-recipients:;"),
 *   addresses without a domain, broken syntax. A non-ASCII addr-spec is looked up as
 *   written, without unquoting.
 */
final class HeaderAddressRewriter {

    /** The address mapping; may fail, which stops the rewrite. */
    @FunctionalInterface
    interface Mapper {
        String map(String address) throws ClientTables.Failure;
    }

    private HeaderAddressRewriter() {
    }

    /** The rewritten value, or null when nothing changed or the value is not an address list. */
    static String rewrite(String value, Mapper mapper) throws ClientTables.Failure {
        String masked = mask(value);
        List<int[]> spans = new ArrayList<>();
        try {
            ASTaddress_list list = new AddressListParser(new StringReader(masked)).parseAddressList();
            collect(list, spans);
        } catch (ParseException | TokenMgrError | RuntimeException e) {
            return null;
        }
        StringBuilder out = new StringBuilder(value.length() + 32);
        int copied = 0;
        for (int[] span : spans) {
            String spec = value.substring(span[0], span[1]);
            String internal = internalForm(spec);
            if (internal == null) {
                continue;
            }
            String mapped = mapper.map(internal);
            if (!mapped.equals(internal)) {
                out.append(value, copied, span[0]).append(externalForm(mapped));
                copied = span[1];
            }
        }
        if (copied == 0) {
            return null;
        }
        return out.append(value, copied, value.length()).toString();
    }

    /** Start and end (exclusive) of every addr-spec, in order; the parser's columns are 1-based. */
    private static void collect(Node node, List<int[]> spans) {
        if (node instanceof ASTaddr_spec a) {
            if (a.firstToken.beginLine == 1 && a.lastToken.endLine == 1) {
                spans.add(new int[] {a.firstToken.beginColumn - 1, a.lastToken.endColumn});
            }
            return;
        }
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            collect(node.jjtGetChild(i), spans);
        }
    }

    /** "local@domain" without quotes and comments; null when mime4j cannot read it. */
    private static String internalForm(String spec) {
        if (!OutgoingMessage.isAscii(spec)) {
            return spec.replaceAll("[ \t\r\n]", "");
        }
        try {
            Mailbox m = DefaultAddressParser.DEFAULT.parseMailbox(spec);
            return m.getDomain() == null || m.getDomain().isEmpty() ? m.getLocalPart()
                    : m.getLocalPart() + "@" + m.getDomain();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    /** The mapped address as header text: the local part quoted when it is not a dot-atom. */
    static String externalForm(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String rest = at < 0 ? "" : address.substring(at);
        String maskedLocal = mask(local);
        boolean quote = !EncoderUtil.encodeAddressLocalPart(maskedLocal).equals(maskedLocal);
        return (quote ? EncoderUtil.encodeAddressLocalPart(local) : local) + rest;
    }

    /** Same length: folding characters become spaces, non-ASCII characters "x". */
    private static String mask(String text) {
        char[] c = text.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] == '\r' || c[i] == '\n' || c[i] == '\t') {
                c[i] = ' ';
            } else if (c[i] >= 0x80) {
                c[i] = 'x';
            }
        }
        return new String(c);
    }
}
