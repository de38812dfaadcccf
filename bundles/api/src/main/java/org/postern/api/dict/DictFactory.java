// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Opens tables of one type. Register as an OSGi service with {@code postern.dict.type=<type>},
 * most simply with {@code @Component(service = DictFactory.class) @DictType("cidr")}.
 */
@ConsumerType
public interface DictFactory {

    /** The service property that names the table type a factory opens. */
    String TYPE_PROPERTY = "postern.dict.type";

    /**
     * Opens {@code name} (the text after {@code type:}). Throws when the table cannot be opened;
     * the registry then answers every lookup with a temporary failure and logs one warning.
     */
    Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException;

    /**
     * Starts building a new version of the indexed table {@code name} (postmap, postalias).
     * The live table stays as it is until {@link DictWriter#commit()}. Table types that are
     * not built from a source file (cidr, ldap, ...) keep this default, which refuses.
     *
     * @since 1.1
     */
    default DictWriter create(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        throw DictException.cannotCreate();
    }
}
