// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * SUMMARY   The key under which anvil counts a client: its address, or the network around it
 *           (Postfix 3.8's anvil aggregation).
 * DESCRIPTION
 *   With smtpd_client_ipv4_prefix_length (32) and smtpd_client_ipv6_prefix_length (84), the
 *   counts and rates of all clients in one IPv6 /84 are kept together: a client that owns a
 *   whole IPv6 network cannot escape the limits by moving to the next address. A full-length
 *   prefix keeps the address itself; otherwise the key is "network/length".
 * CONFIGURATION PARAMETERS  smtpd_client_ipv4_prefix_length, smtpd_client_ipv6_prefix_length.
 */
public record AnvilRange(int ipv4PrefixLength, int ipv6PrefixLength) {

    /** Postfix 3.8's defaults: IPv4 addresses alone, IPv6 per /84. */
    public static final AnvilRange POSTFIX_DEFAULT = new AnvilRange(32, 84);

    public AnvilRange {
        if (ipv4PrefixLength < 0 || ipv4PrefixLength > 32 || ipv6PrefixLength < 0 || ipv6PrefixLength > 128) {
            throw new IllegalArgumentException("prefix length out of range: " + ipv4PrefixLength + ", "
                    + ipv6PrefixLength);
        }
    }

    /** The anvil key of {@code address}. */
    public String of(InetAddress address) {
        byte[] bytes = address.getAddress();
        int length = address instanceof Inet4Address ? ipv4PrefixLength : ipv6PrefixLength;
        if (length == bytes.length * 8) {
            return address.getHostAddress();
        }
        for (int bit = length; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: the length is that of an address
        }
    }
}
