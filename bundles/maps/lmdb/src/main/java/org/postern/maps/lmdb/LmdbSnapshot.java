// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.lmdbjava.CursorIterable;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * SUMMARY   One opened version of a table file: environment, database and a pool of readers.
 * DESCRIPTION
 *   Lookups borrow a {@link LmdbReader} from a lock-free pool and give it back, so there are
 *   as many read transactions as concurrent lookups, not one per thread that ever looked up.
 *   When the file is replaced, the table retires this snapshot; it closes once the last
 *   lookup in flight has returned ({@link #acquire}/{@link #release} count them).
 * SECURITY  Reads a file whose name comes from main.cf.
 */
final class LmdbSnapshot {
    /** What identifies the file on disk: a rename over it changes the file key (inode). */
    record Identity(Object fileKey, long size) {
        static Identity of(Path file) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Identity(attributes.fileKey(), attributes.size());
        }
    }

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final Identity identity;
    private final LmdbReaderPool idle = new LmdbReaderPool();
    /** Lookups in flight; -1 once closed. */
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean retired;

    private LmdbSnapshot(Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, Identity identity) {
        this.env = env;
        this.dbi = dbi;
        this.identity = identity;
    }

    static LmdbSnapshot open(Path file) throws IOException {
        Identity identity = Identity.of(file);
        Env<ByteBuffer> env = LmdbLibrary.openReader(file);
        try {
            return new LmdbSnapshot(env, LmdbLibrary.mainDatabase(env, false), identity);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    Identity identity() {
        return identity;
    }

    boolean sameFileAs(Identity now) {
        return Objects.equals(identity, now);
    }

    /** Registers a lookup; false when the snapshot is already closed. */
    boolean acquire() {
        for (;;) {
            int n = users.get();
            if (n < 0) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (users.decrementAndGet() == 0 && retired) {
            closeIfUnused();
        }
    }

    /** Between {@link #acquire} and {@link #release}. */
    String get(String key, boolean withNul, boolean fold) {
        LmdbReader reader = idle.take(() -> new LmdbReader(env, dbi));
        try {
            String value = reader.get(key, withNul, fold);
            idle.give(reader);
            return value;
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /** Between {@link #acquire} and {@link #release}: every entry, in key byte order. */
    void forEach(BiConsumer<String, String> sink) {
        try (Txn<ByteBuffer> txn = env.txnRead(); CursorIterable<ByteBuffer> entries = dbi.iterate(txn)) {
            for (CursorIterable.KeyVal<ByteBuffer> entry : entries) {
                sink.accept(LmdbCodec.decode(entry.key()), LmdbCodec.decode(entry.val()));
            }
        }
    }

    /** No new lookups will come; closes when the ones in flight are done. */
    void retire() {
        retired = true;
        closeIfUnused();
    }

    private void closeIfUnused() {
        if (users.compareAndSet(0, -1)) {
            idle.closeAll();
            env.close();
        }
    }
}
