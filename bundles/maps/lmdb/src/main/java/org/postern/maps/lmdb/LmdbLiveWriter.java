// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;
import org.postern.api.dict.DictException;

/**
 * SUMMARY   In-place changes to a live table (postmap -i, postmap -d), one transaction each.
 * DESCRIPTION
 *   Opens the file with its lock file (path.lmdb-lock), as Postfix's postmap does, so Postfix
 *   readers and writers coordinate with it. MDB_MAP_FULL doubles the map and retries.
 * SECURITY  Writes the table file named in main.cf or on the command line.
 */
final class LmdbLiveWriter implements AutoCloseable {
    private final Path file;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private long mapSize;

    private LmdbLiveWriter(Path file, Env<ByteBuffer> env, Dbi<ByteBuffer> dbi, long mapSize) {
        this.file = file;
        this.env = env;
        this.dbi = dbi;
        this.mapSize = mapSize;
    }

    static LmdbLiveWriter open(Path file) throws DictException {
        try {
            long mapSize = LmdbMapSize.initial(Files.size(file));
            Env<ByteBuffer> env = LmdbLibrary.openWriter(file, mapSize, false);
            try {
                return new LmdbLiveWriter(file, env, LmdbLibrary.mainDatabase(env, true), mapSize);
            } catch (RuntimeException e) {
                env.close();
                throw e;
            }
        } catch (IOException | LmdbException e) {
            throw new DictException("open database " + file + " for update: " + e.getMessage(), false, e);
        }
    }

    /** Adds or replaces an entry. */
    void put(String key, String value) throws DictException {
        ByteBuffer k = LmdbCodec.stored(key);
        ByteBuffer v = LmdbCodec.stored(value);
        write(txn -> {
            // A key a non-Postfix tool stored without NUL would otherwise stay beside the new one.
            if (!key.isEmpty()) {
                dbi.delete(txn, LmdbCodec.storedWithoutNul(key));
            }
            dbi.put(txn, k, v);
            return true;
        });
    }

    /** Removes the key, stored with or without NUL; false when it was not there. */
    boolean delete(String key) throws DictException {
        ByteBuffer withNul = LmdbCodec.stored(key);
        if (key.isEmpty()) {
            return write(txn -> dbi.delete(txn, withNul));
        }
        ByteBuffer without = LmdbCodec.storedWithoutNul(key);
        return write(txn -> dbi.delete(txn, withNul) | dbi.delete(txn, without));
    }

    private interface Change {
        boolean apply(Txn<ByteBuffer> txn);
    }

    private boolean write(Change change) throws DictException {
        for (;;) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                boolean result = change.apply(txn);
                txn.commit();
                return result;
            } catch (Env.MapFullException e) {
                mapSize = LmdbMapSize.grow(mapSize);
                env.setMapSize(mapSize);
            } catch (LmdbException e) {
                throw new DictException(file + ": " + e.getMessage(), false, e);
            }
        }
    }

    @Override
    public void close() {
        env.close();
    }
}
