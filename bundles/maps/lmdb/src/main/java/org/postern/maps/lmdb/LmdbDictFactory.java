// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.lmdb;

import java.nio.file.Path;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.DictWriter;

/**
 * SUMMARY   lmdb - OpenLDAP LMDB tables, Postfix's default indexed type ("lmdb:/etc/postern/access").
 * DESCRIPTION
 *   "lmdb:/path" is the file /path.lmdb (one file, lock file /path.lmdb-lock), read and written
 *   in the byte layout of Postfix's postmap, so tables built by either tool read in the other.
 *   A relative name resolves against the configuration directory. Lookups are concurrent and
 *   notice a rebuilt file within a second ({@link LmdbDict}); {@link #create} builds a new
 *   version beside the live file and renames it into place ({@link LmdbTableWriter}).
 * SECURITY  Reads and writes local files named in main.cf or by an administrator; lookup keys
 *           come from the network.
 * BUGS      Needs the JVM flags documented in {@link LmdbLibrary}.
 * SEE ALSO  Postfix lmdb_table(5), postmap(1).
 */
@Component(service = DictFactory.class)
@DictType(LmdbDictFactory.TYPE)
public final class LmdbDictFactory implements DictFactory {
    static final String TYPE = "lmdb";
    static final String SUFFIX = ".lmdb";

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return LmdbDict.open(name, dataFile(name, context), flags, System::nanoTime);
    }

    @Override
    public DictWriter create(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return LmdbTableWriter.create(dataFile(name, context));
    }

    /** "/etc/postern/access" to /etc/postern/access.lmdb; relative names against the config directory. */
    static Path dataFile(String name, DictContext context) throws DictException {
        if (name.isEmpty()) {
            throw new DictException("lmdb: expecting \"lmdb:/path/to/file\"", false);
        }
        Path file = Path.of(name + SUFFIX);
        if (!file.isAbsolute() && context != null && context.configDirectory() != null) {
            file = context.configDirectory().resolve(file);
        }
        return file;
    }
}
