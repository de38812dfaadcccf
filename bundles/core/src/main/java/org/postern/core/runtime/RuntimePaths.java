// SPDX-License-Identifier: Apache-2.0
package org.postern.core.runtime;

import java.nio.file.Path;

/**
 * Where Postern keeps its configuration and data inside Karaf:
 * {@code ${karaf.etc}/postern} and {@code ${karaf.data}/postern}. Outside Karaf (unit tests,
 * tools) the same layout relative to the working directory.
 */
public record RuntimePaths(Path configDirectory, Path dataDirectory) {

    public static RuntimePaths fromSystemProperties() {
        String etc = System.getProperty("karaf.etc", "etc");
        String data = System.getProperty("karaf.data", "data");
        return new RuntimePaths(Path.of(etc, "postern").toAbsolutePath(), Path.of(data, "postern").toAbsolutePath());
    }
}
