// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.nio.ByteBuffer;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * SUMMARY   One reusable read transaction and key buffer: what a lookup borrows.
 * DESCRIPTION
 *   The transaction is kept reset between lookups and renewed for each one (cheap in LMDB:
 *   no allocation, no system call), so every lookup sees the newest committed data.
 *   Not thread-safe: a reader is used by one thread at a time (see {@link LmdbSnapshot}).
 */
final class LmdbReader implements AutoCloseable {
    private final Dbi<ByteBuffer> dbi;
    private final Txn<ByteBuffer> txn;
    private final ByteBuffer key = ByteBuffer.allocateDirect(LmdbCodec.MAX_KEY_BYTES);

    LmdbReader(Env<ByteBuffer> env, Dbi<ByteBuffer> dbi) {
        this.dbi = dbi;
        this.txn = env.txnRead();
        this.txn.reset();
    }

    /** The value stored under {@code key} (with or without its NUL, lower-cased if {@code fold}), or null. */
    String get(String text, boolean withNul, boolean fold) {
        if (!LmdbCodec.encode(text, withNul, fold, key)) {
            return null;
        }
        txn.renew();
        try {
            ByteBuffer value = dbi.get(txn, key);
            return value == null ? null : LmdbCodec.decode(value);
        } finally {
            txn.reset();
        }
    }

    @Override
    public void close() {
        txn.close();
    }
}
