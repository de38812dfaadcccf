// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

/**
 * SUMMARY   How large a writer maps a table file, and how it grows (Postfix lmdb_map_size).
 * DESCRIPTION
 *   Writers start at {@link #INITIAL} (Postfix's default lmdb_map_size, 16 MiB) or twice the
 *   current file, whichever is larger, and double the map when LMDB answers MDB_MAP_FULL.
 *   The map is address space, not disk: the file only grows as data is written.
 */
final class LmdbMapSize {
    static final long INITIAL = 16L << 20;
    /** Refuse to grow past this (Postfix has no limit; a runaway input should not fill the disk). */
    static final long MAXIMUM = 1L << 40;

    private LmdbMapSize() {
    }

    static long initial(long fileSize) {
        return Math.max(INITIAL, 2 * fileSize);
    }

    /** The next size after MDB_MAP_FULL at {@code current}; throws when past {@link #MAXIMUM}. */
    static long grow(long current) {
        long next = current * 2;
        if (next > MAXIMUM) {
            throw new IllegalStateException("lmdb map size would exceed " + MAXIMUM + " bytes");
        }
        return next;
    }
}
