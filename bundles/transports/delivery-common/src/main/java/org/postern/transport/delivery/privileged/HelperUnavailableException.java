// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The privileged delivery helper did not answer: not running, its socket missing, or the
 * connection broke. Deliveries that need it are deferred, never bounced.
 */
public final class HelperUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Path socket;

    public HelperUnavailableException(Path socket, String message, Throwable cause) {
        super(message, cause);
        this.socket = socket;
    }

    /** The socket that was tried. */
    public Path socket() {
        return socket;
    }
}
