// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtp;

/**
 * One SMTP reply: {@code 554 5.7.1 <x@y>: Relay access denied}.
 *
 * @param code          the three-digit reply code
 * @param enhancedCode  RFC 3463 status (e.g. {@code 5.7.1}); empty when none applies
 * @param text          the text after the codes; may contain CRLF-free text only
 */
public record SmtpReply(int code, String enhancedCode, String text) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("reply text must be one line");
        }
    }

    public boolean isPermanentFailure() {
        return code >= 500;
    }

    public boolean isTemporaryFailure() {
        return code >= 400 && code < 500;
    }

    /** As sent on the wire (without CRLF). */
    @Override
    public String toString() {
        return enhancedCode.isEmpty() ? code + " " + text : code + " " + enhancedCode + " " + text;
    }
}
