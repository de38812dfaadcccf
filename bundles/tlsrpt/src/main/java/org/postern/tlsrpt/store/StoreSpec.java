// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.nio.file.Path;

/**
 * tlsrpt_store's value: "file" (under the data directory) or "pgsql:/path/to/tlsrpt-pgsql.cf"
 * (pgsql_table(5) syntax, see {@link PgsqlConfig}; a relative path is below the configuration
 * directory, as for table files).
 */
public final class StoreSpec {

    private StoreSpec() {
    }

    /** The store the value names, opened on first use. */
    public static TlsRptStore open(String spec, Path dataDirectory, Path configDirectory) {
        if (spec.equals("file")) {
            return new ReopeningStore(() -> new FileStore(dataDirectory.resolve("tlsrpt")));
        }
        if (spec.startsWith("pgsql:") && spec.length() > "pgsql:".length()) {
            Path config = configDirectory.resolve(spec.substring("pgsql:".length()));
            return new ReopeningStore(() -> PgsqlStore.open(config));
        }
        throw new IllegalArgumentException("tlsrpt_store: want file or pgsql:/path/to/file.cf, not " + spec);
    }
}
