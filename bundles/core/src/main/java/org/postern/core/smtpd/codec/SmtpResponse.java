// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

import java.util.List;

import org.postern.core.smtp.SmtpReply;

/** A multi-line reply (EHLO): every line but the last is sent as "code-text". */
public record SmtpResponse(List<SmtpReply> lines) {
    public SmtpResponse {
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs a line");
        }
    }
}
