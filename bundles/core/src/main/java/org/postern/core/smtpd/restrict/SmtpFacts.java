// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.core.smtpd.tls.ClientCertificate;

/**
 * What the restrictions see of a session at the moment of a check (Postfix's attributes).
 *
 * @param clientAddress      the client IP address as text (IPv6 without brackets)
 * @param clientPort         the client TCP port
 * @param clientName         verified client hostname, or "unknown"
 * @param reverseClientName  the PTR name, or "unknown"
 * @param heloName           HELO/EHLO argument; null before HELO/EHLO
 * @param sender             MAIL FROM address; null before MAIL, "" for the null sender
 * @param recipient          the RCPT TO address being checked; null outside RCPT
 * @param recipientCount     recipients accepted so far in this transaction
 * @param saslUsername       the authenticated user; null when not authenticated
 * @param protocol           SMTP or ESMTP (with S/A suffixes as Postfix logs them)
 * @param illegalPipelining  the client sent commands before they were allowed (reject_unauth_pipelining)
 * @param messageSize        SIZE= or the received size at END_OF_DATA; 0 when unknown
 * @param service            the master.cf service name (for -o overrides and logging)
 * @param policyAttributes   what only check_policy_service sends: queue_id, instance, server_address,
 *                           server_port, encryption_protocol, encryption_cipher, ...
 * @param clientCertificate  the certificate the client presented in TLS; null when none
 *                           (check_ccert_access, permit_tls_clientcerts, permit_tls_all_clientcerts)
 */
public record SmtpFacts(String clientAddress, int clientPort, String clientName, String reverseClientName,
                        String heloName, String sender, String recipient, int recipientCount,
                        String saslUsername, String protocol, boolean illegalPipelining, long messageSize,
                        String service, java.util.Map<String, String> policyAttributes,
                        ClientCertificate clientCertificate) {

    /** Without a client certificate. */
    public SmtpFacts(String clientAddress, int clientPort, String clientName, String reverseClientName,
                     String heloName, String sender, String recipient, int recipientCount,
                     String saslUsername, String protocol, boolean illegalPipelining, long messageSize,
                     String service, java.util.Map<String, String> policyAttributes) {
        this(clientAddress, clientPort, clientName, reverseClientName, heloName, sender, recipient, recipientCount,
                saslUsername, protocol, illegalPipelining, messageSize, service, policyAttributes, null);
    }
}
