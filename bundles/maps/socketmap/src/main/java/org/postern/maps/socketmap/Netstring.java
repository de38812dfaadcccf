// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * SUMMARY   Netstrings (D. J. Bernstein): "12:hello world!," - length, colon, bytes, comma.
 * DESCRIPTION
 *   The length is decimal ASCII without leading zeros ("0" alone is fine); anything else,
 *   a length over the caller's limit, or a missing comma is a {@link ProtocolException}.
 * SECURITY  The peer chooses the length: it is checked against the limit before any byte
 *   is buffered, and digits are counted so that a long run of them cannot overflow.
 * SEE ALSO  http://cr.yp.to/proto/netstrings.txt
 */
final class Netstring {

    /** The peer broke the netstring syntax or a limit. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    private Netstring() {
    }

    static byte[] encode(byte[] payload) {
        byte[] prefix = (payload.length + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + payload.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(payload, 0, out, prefix.length, payload.length);
        out[out.length - 1] = ',';
        return out;
    }

    /**
     * Reads one netstring of at most {@code maxLength} payload bytes.
     *
     * @throws EOFException      when the stream ends (before or inside the netstring)
     * @throws ProtocolException when the bytes are not a netstring within the limit
     */
    static byte[] read(InputStream in, int maxLength) throws IOException {
        long length = 0;
        int digits = 0;
        int c;
        while ((c = next(in)) != ':') {
            if (c < '0' || c > '9') {
                throw new ProtocolException("netstring: bad length character 0x" + Integer.toHexString(c));
            }
            if (digits == 1 && length == 0) {
                throw new ProtocolException("netstring: length with a leading zero");
            }
            length = length * 10 + (c - '0');
            if (++digits > 10 || length > maxLength) {
                throw new ProtocolException("netstring: length exceeds the limit of " + maxLength);
            }
        }
        if (digits == 0) {
            throw new ProtocolException("netstring: missing length");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("netstring: end of stream inside the payload");
        }
        if (next(in) != ',') {
            throw new ProtocolException("netstring: missing ',' after the payload");
        }
        return payload;
    }

    private static int next(InputStream in) throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new EOFException("end of stream");
        }
        return c;
    }
}
