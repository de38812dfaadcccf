// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * SUMMARY   How keys and values are laid out as bytes in a Postfix lmdb table.
 * DESCRIPTION
 *   Postfix's postmap on Linux writes keys and values as UTF-8 followed by one NUL byte
 *   (postmap -N, its default there; verified with Postfix 3.7 and a byte dump). Readers try
 *   the key with the NUL first and then without, as Postfix does (DICT_FLAG_TRY1NULL,
 *   TRY0NULL), and drop one trailing NUL from values, so tables written either way read.
 *   Postern writes the NUL form.
 * SECURITY  Keys are hostile (addresses from the network): encode() bounds their length.
 */
final class LmdbCodec {

    /** LMDB's default maximum key size, NUL included (mdb_env_get_maxkeysize). */
    static final int MAX_KEY_BYTES = 511;

    private LmdbCodec() {
    }

    /**
     * Writes {@code key} into {@code buffer} (cleared, then flipped), with a trailing NUL if
     * {@code withNul}. Returns false when the key does not fit (it cannot be in the table).
     */
    static boolean encode(String key, boolean withNul, ByteBuffer buffer) {
        return encode(key, withNul, false, buffer);
    }

    /**
     * As {@link #encode(String, boolean, ByteBuffer)}, lower-casing the key on the way when
     * {@code fold} (FOLD_CASE tables): ASCII in place, so a lookup allocates no folded copy.
     */
    static boolean encode(String key, boolean withNul, boolean fold, ByteBuffer buffer) {
        buffer.clear();
        int n = key.length();
        int limit = MAX_KEY_BYTES - (withNul ? 1 : 0);
        if (n > limit) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c >= 0x80) {
                return encodeUtf8(fold ? key.toLowerCase(java.util.Locale.ROOT) : key, withNul, buffer, limit);
            }
            buffer.put((byte) (fold && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
        }
        if (withNul) {
            buffer.put((byte) 0);
        }
        buffer.flip();
        return true;
    }

    private static boolean encodeUtf8(String key, boolean withNul, ByteBuffer buffer, int limit) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limit) {
            return false;
        }
        buffer.clear();
        buffer.put(bytes);
        if (withNul) {
            buffer.put((byte) 0);
        }
        buffer.flip();
        return true;
    }

    /** Decodes a stored key or value, dropping one trailing NUL. */
    static String decode(ByteBuffer stored) {
        int n = stored.remaining();
        if (n > 0 && stored.get(stored.position() + n - 1) == 0) {
            n--;
        }
        byte[] bytes = new byte[n];
        stored.get(stored.position(), bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The stored form Postern writes: UTF-8 and a trailing NUL, in a new direct buffer. */
    static ByteBuffer stored(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 1);
        buffer.put(bytes).put((byte) 0).flip();
        return buffer;
    }

    /** UTF-8 without NUL, in a new direct buffer (keys other tools wrote). */
    static ByteBuffer storedWithoutNul(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(1, bytes.length));
        buffer.put(bytes).flip();
        return buffer;
    }
}
