// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.milter.MilterReply;

/**
 * SUMMARY   SMFIR_REPLYCODE's text ("550 5.7.1 text", or several lines "550-5.7.1 a" CRLF
 *           "550 5.7.1 b") as a refusal.
 * SECURITY  The code must be 4xx or 5xx and the same on every line; anything else is a protocol
 *           error (then the filter's default action), as Postfix's milter8.c insists.
 */
final class ReplyCode {

    private static final Pattern LINE = Pattern.compile("([45][0-9][0-9])([ -])(?:([45]\\.[0-9]{1,3}\\.[0-9]{1,3}) ?)?(.*)");

    private ReplyCode() {
    }

    static MilterReply.Refuse parse(String text) throws MilterConnection.ProtocolException {
        String[] lines = text.split("\r?\n");
        int code = -1;
        String status = "";
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new MilterConnection.ProtocolException("malformed reply: " + text);
            }
            int c = Integer.parseInt(m.group(1));
            boolean last = i == lines.length - 1;
            if (code >= 0 && c != code || m.group(2).equals("-") == last && lines.length > 1 && last) {
                throw new MilterConnection.ProtocolException("malformed multi-line reply: " + text);
            }
            code = c;
            if (i == 0 && m.group(3) != null) {
                status = m.group(3);
            }
            texts.add(m.group(4));
        }
        if (code < 0) {
            throw new MilterConnection.ProtocolException("empty reply");
        }
        if (!status.isEmpty() && status.charAt(0) != Integer.toString(code).charAt(0)) {
            status = code / 100 + status.substring(1); // 4xx with 5.x.x: the code decides, as Postfix
        }
        return new MilterReply.Refuse(code, status, texts);
    }
}
