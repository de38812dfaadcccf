// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.send;

/**
 * One rua destination of a TLSRPT record: a mailbox (mailto:) or an HTTPS URL.
 *
 * @param uri     as the record wrote it, for the log and the status command
 * @param mailbox the address for mailto:, else empty
 */
public record ReportAddress(String uri, String mailbox) {

    public boolean isMail() {
        return !mailbox.isEmpty();
    }

    @Override
    public String toString() {
        return uri;
    }
}
