// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.support.LogText;
import org.postern.core.net.HostNames;

import io.netty.util.NetUtil;

/**
 * SUMMARY   The client hostname lookup of Postfix's smtpd_peer.c: PTR, then forward confirmation.
 * DESCRIPTION
 *   The PTR name of the client address (d.c.b.a.in-addr.arpa or the 32 nibbles of ip6.arpa) is the
 *   reverse client name; it becomes the client name only when its A (IPv4) or AAAA (IPv6)
 *   records contain the client address. Each outcome has a status as Postfix's SMTPD_PEER_CODE:
 *   OK, PERM (no PTR), TEMP (a DNS server failure: reject_unknown_client_hostname defers rather
 *   than rejects), FORGED (the name does not resolve back). Warnings are Postfix's texts.
 *   Blocking: call it off the event loop.
 * SECURITY  DNS answers are untrusted: a PTR name must be a valid hostname and not an address.
 * BUGS      Only the first PTR record is tried (as getnameinfo() does).
 * SEE ALSO  Postfix smtpd(8) "client hostname lookup", postconf(5) reject_unknown_client_hostname.
 */
final class ClientHostname {

    static final String UNKNOWN = "unknown";

    /** Postfix's SMTPD_PEER_CODE_*. */
    enum Status { OK, PERM, TEMP, FORGED }

    /**
     * @param name           the verified name, or "unknown"
     * @param nameStatus     why name is what it is
     * @param reverseName    the PTR name, or "unknown"
     * @param reverseStatus  OK, PERM or TEMP
     * @param warnings       "warning:" texts to log (without the prefix)
     */
    record Names(String name, Status nameStatus, String reverseName, Status reverseStatus, List<String> warnings) {
        static Names unknown(Status status) {
            return new Names(UNKNOWN, status, UNKNOWN, status, List.of());
        }
    }

    private ClientHostname() {
    }

    static Names lookup(DnsResolver dns, String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (dns == null || bytes == null) {
            return Names.unknown(Status.PERM);
        }
        List<String> warnings = new ArrayList<>();
        DnsResult ptr = dns.lookup(reverseName(bytes), DnsRecordType.PTR);
        if (ptr instanceof DnsResult.TemporaryFailure) {
            return Names.unknown(Status.TEMP);
        }
        String name = null;
        if (ptr instanceof DnsResult.Answer) {
            for (DnsRecord r : ((DnsResult.Answer) ptr).records()) {
                if (r.type() == DnsRecordType.PTR) {
                    name = HostNames.truncateDot(r.data().strip());
                    break;
                }
            }
        }
        if (name == null) {
            return Names.unknown(Status.PERM);
        }
        if (HostNames.validHostaddr(name)) {
            warnings.add("numeric hostname: " + LogText.printable(name));
            return new Names(UNKNOWN, Status.PERM, UNKNOWN, Status.PERM, warnings);
        }
        if (!HostNames.validHostname(name)) {
            warnings.add("malformed domain name in resource data of PTR record for " + address + ": "
                    + LogText.printable(name));
            return new Names(UNKNOWN, Status.PERM, UNKNOWN, Status.PERM, warnings);
        }
        DnsRecordType type = bytes.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA;
        DnsResult fwd = dns.lookup(name, type);
        if (fwd instanceof DnsResult.TemporaryFailure) {
            warnings.add("hostname " + name + " does not resolve to address " + address
                    + ": Temporary failure in name resolution");
            return new Names(UNKNOWN, Status.TEMP, name, Status.OK, warnings);
        }
        if (!(fwd instanceof DnsResult.Answer)) {
            warnings.add("hostname " + name + " does not resolve to address " + address
                    + ": Name or service not known");
            return new Names(UNKNOWN, Status.FORGED, name, Status.OK, warnings);
        }
        for (DnsRecord r : ((DnsResult.Answer) fwd).records()) {
            if (r.type() == type && HostNames.sameAddress(r.data().strip(), address)) {
                return new Names(name, Status.OK, name, Status.OK, warnings);
            }
        }
        warnings.add("hostname " + name + " does not resolve to address " + address);
        return new Names(UNKNOWN, Status.FORGED, name, Status.OK, warnings);
    }

    /** d.c.b.a.in-addr.arpa, or the 32 reversed nibbles and ip6.arpa. */
    static String reverseName(byte[] bytes) {
        StringBuilder b = new StringBuilder(74);
        if (bytes.length == 4) {
            for (int i = 3; i >= 0; i--) {
                b.append(bytes[i] & 0xff).append('.');
            }
            return b.append("in-addr.arpa").toString();
        }
        for (int i = bytes.length - 1; i >= 0; i--) {
            b.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.')
                    .append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
        }
        return b.append("ip6.arpa").toString();
    }
}
