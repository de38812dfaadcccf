// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An open lookup table. Implementations must be safe for concurrent lookups.
 *
 * <p>{@link #lookup} never throws: every problem is a {@link LookupResult.TemporaryFailure} or
 * {@link LookupResult.ConfigurationError}. Keys arrive as the caller has them; a table opened
 * with {@link DictFlag#FOLD_CASE} lower-cases them itself.
 */
public interface Dict extends AutoCloseable {

    /** The table type, e.g. {@code cidr}. */
    String type();

    /** The table name as written after {@code type:}, e.g. {@code /etc/postern/clients.cidr}. */
    String name();

    /** The flags in effect for this table. */
    Set<DictFlag> flags();

    LookupResult lookup(String key);

    /** The optional operations this table supports; none by default. */
    default Set<DictCapability> capabilities() {
        return EnumSet.noneOf(DictCapability.class);
    }

    /** Calls {@code sink} once per entry, in the table's natural order (postmap -s). */
    default void forEach(BiConsumer<String, String> sink) throws DictException {
        throw DictException.unsupported(this, "iteration");
    }

    /** Adds or replaces one entry (postmap -i). */
    default void update(String key, String value) throws DictException {
        throw DictException.unsupported(this, "update");
    }

    /** Removes one entry; false when the key was not there (postmap -d). */
    default boolean delete(String key) throws DictException {
        throw DictException.unsupported(this, "delete");
    }

    /** Releases files, connections and pools. Lookups after close may fail temporarily. */
    @Override
    default void close() {
    }

    /** {@code type:name}, as main.cf writes it. */
    default String spec() {
        return type() + ":" + name();
    }
}
