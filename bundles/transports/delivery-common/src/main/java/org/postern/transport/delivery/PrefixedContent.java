// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

import org.postern.api.delivery.MessageContent;

/** A queued message with header lines put in front (e.g. "Delivered-To: ...\r\n" for a forwarded copy). */
public final class PrefixedContent implements MessageContent {
    private final byte[] prefix;
    private final MessageContent message;

    public PrefixedContent(byte[] prefix, MessageContent message) {
        this.prefix = prefix.clone();
        this.message = message;
    }

    @Override
    public InputStream open() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), message.open());
    }

    @Override
    public long size() {
        return prefix.length + message.size();
    }
}
