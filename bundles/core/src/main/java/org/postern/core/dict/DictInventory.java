// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictWriter;

/** What the registry tells administrators (postern:tables, postern:postmap); core-internal. */
public interface DictInventory {

    /** One table type and who provides it now. */
    record TypeInfo(String type, String bundle, int providers) {
    }

    /** An open table that counts its work (cache:), and what it counted. */
    record TableStatistics(String spec, String statistics) {
    }

    /**
     * Closes every open table; each reopens at its next lookup (postfix reload: Postfix's
     * daemons restart and read their tables again, so edited files and caches start fresh).
     */
    void reopenAll();

    /** The open tables that keep statistics, sorted by spec. */
    List<TableStatistics> statistics();

    /** The table types with at least one factory, sorted by type. */
    List<TypeInfo> types();

    /**
     * Opens a private, uncached instance (postmap reads the file as it is now), sending
     * warnings about the table's source to {@code warnings}. The caller closes it.
     */
    Dict openFresh(String spec, Set<DictFlag> flags, Consumer<String> warnings) throws DictException;

    /**
     * Starts building a new version of an indexed table (postmap file, postalias file). Types
     * that cannot be built fail with Postfix's "unsupported dictionary type: cidr does not
     * support bulk-mode creation."
     */
    DictWriter createFresh(String spec, Set<DictFlag> flags, Consumer<String> warnings) throws DictException;
}
