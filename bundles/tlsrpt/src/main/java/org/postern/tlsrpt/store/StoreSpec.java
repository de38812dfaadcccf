// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.IOException;
import java.nio.file.Path;

/** tlsrpt_store's value: "file" (under the data directory) or "pgsql:/path/to/tlsrpt-pgsql.cf". */
public final class StoreSpec {

    private StoreSpec() {
    }

    /** The store the value names, opened on first use. */
    public static TlsRptStore open(String spec, Path dataDirectory) {
        if (spec.equals("file")) {
            return new ReopeningStore(() -> new FileStore(dataDirectory.resolve("tlsrpt")));
        }
        if (spec.startsWith("pgsql:") && spec.length() > "pgsql:".length()) {
            Path config = Path.of(spec.substring("pgsql:".length()));
            return new ReopeningStore(() -> pgsql(config));
        }
        throw new IllegalArgumentException("tlsrpt_store: want file or pgsql:/path/to/file.cf, not " + spec);
    }

    private static TlsRptStore pgsql(Path config) throws IOException {
        throw new IOException("pgsql: store not built yet: " + config);
    }
}
