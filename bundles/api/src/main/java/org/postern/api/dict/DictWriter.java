// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * SUMMARY   A new version of an indexed table being built (postmap file, postalias file).
 * DESCRIPTION
 *   Obtained from {@link DictFactory#create}. Entries go to a private copy; readers keep
 *   seeing the old table until {@link #commit()}, which replaces the live table in one step
 *   (for file tables: write a temporary file, then rename it over the old one). Closing a
 *   writer that was not committed discards the copy and leaves the live table as it was.
 *   Keys arrive as the caller has them: the caller folds case (postmap without -f).
 * SECURITY  Keys and values come from an administrator's source file or standard input.
 */
@ConsumerType
public interface DictWriter extends AutoCloseable {

    /**
     * Adds an entry. When the key is already in this new version, keeps the first value and
     * returns false, so that the caller can warn "duplicate entry" as Postfix's postmap does.
     */
    boolean put(String key, String value) throws DictException;

    /** Makes the new version the live table, atomically. At most once; close() afterwards. */
    void commit() throws DictException;

    /** Releases resources; discards the new version unless {@link #commit()} succeeded. */
    @Override
    void close() throws DictException;
}
