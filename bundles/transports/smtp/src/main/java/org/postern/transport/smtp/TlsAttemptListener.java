// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.Optional;

import org.postern.api.tls.TlsSessionResult.FailureType;

/**
 * Told by {@link SmtpSession} about each TLS attempt: a new handshake that succeeded, or TLS
 * that was required or attempted and failed. Not told about sessions that never tried TLS.
 */
interface TlsAttemptListener {

    TlsAttemptListener NONE = (endpoint, helo, localAddress, failure, reason) -> { };

    /**
     * @param helo         the name the server gave in its greeting, or ""
     * @param localAddress our address, or "" when the connection was not made
     * @param failure      empty on success
     * @param reason       why it failed, or ""
     */
    void attempted(Endpoint endpoint, String helo, String localAddress, Optional<FailureType> failure, String reason);
}
