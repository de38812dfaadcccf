// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.time.Instant;
import java.util.Objects;

import org.postern.api.delivery.MessageContent;

/**
 * The message a notice is about: its content and envelope.
 *
 * @param queueId   its queue ID (X-Postfix-Queue-ID)
 * @param sender    envelope sender; empty for the null sender
 * @param arrival   when it was received (Arrival-Date)
 * @param envid     DSN ENVID, or empty
 * @param ret       DSN RET: "FULL", "HDRS" or empty (not given)
 * @param messageId its Message-ID header value ({@code <id@host>}), or empty when it had none
 * @param content   headers and body as queued
 */
public record OriginalMessage(String queueId, String sender, Instant arrival, String envid, String ret,
                              String messageId, MessageContent content) {
    public OriginalMessage {
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(arrival, "arrival");
        Objects.requireNonNull(content, "content");
        envid = envid == null ? "" : envid;
        ret = ret == null ? "" : ret;
        messageId = messageId == null ? "" : messageId;
    }
}
