// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

/**
 * What the authentication server is told about the SMTP client (Dovecot's lip, rip, secured).
 *
 * @param localAddress   the server address the client connected to, or null when unknown
 * @param remoteAddress  the client address, or null when unknown
 * @param tls            the session is TLS-protected
 */
public record ClientInfo(String localAddress, String remoteAddress, boolean tls) {
}
