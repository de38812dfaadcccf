// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.IOException;
import java.io.OutputStream;

/** Writes one message into an open mailbox or maildir file (usually through {@link MessageCopier}). */
@FunctionalInterface
public interface MessageWriter {
    void writeTo(OutputStream out) throws IOException;
}
