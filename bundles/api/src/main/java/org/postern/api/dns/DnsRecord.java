// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

/**
 * One resource record in presentation form.
 *
 * @param name       owner name, absolute, without the trailing dot
 * @param type       record type
 * @param ttl        seconds
 * @param preference MX preference; 0 for other types
 * @param data       address, target host (MX, PTR, CNAME), text (TXT) or TLSA fields
 */
public record DnsRecord(String name, DnsRecordType type, long ttl, int preference, String data) {
}
