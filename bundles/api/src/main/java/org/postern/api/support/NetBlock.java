// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.Arrays;

/**
 * An address block: a network address with its host bits cleared and a prefix length, for
 * IPv4 (4 bytes) or IPv6 (16 bytes). The one netmask matcher of cidr tables, mynetworks-style
 * lists and the local network computation, so that all read a block the same way.
 *
 * @param network the address with the bits after {@code prefix} cleared
 * @param prefix  0 to 32 (IPv4) or 0 to 128 (IPv6)
 */
public record NetBlock(byte[] network, int prefix) {

    public NetBlock {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: " + network.length + " bytes");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("bad prefix length: " + prefix);
        }
        network = masked(network, prefix);
    }

    /** {@code address} with every bit after the first {@code prefix} cleared. */
    public static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /**
     * Whether {@code address} lies in this block. Only an address of the block's own family
     * can: "::ffff:192.0.2.1" is an IPv6 address here (callers that want IPv4-mapped addresses
     * treated as IPv4 convert them first, see {@link #unmapped(byte[])}).
     */
    public boolean contains(byte[] address) {
        return address.length == network.length && Arrays.equals(masked(address, prefix), network);
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d); any other address as it is. */
    public static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        return Arrays.copyOfRange(address, 12, 16);
    }

    /** "192.0.2.0/24", "2001:db8::/32": the block as Postfix writes it in mynetworks. */
    @Override
    public String toString() {
        return IpAddresses.format(network) + "/" + prefix;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetBlock b && b.prefix == prefix && Arrays.equals(b.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }
}
