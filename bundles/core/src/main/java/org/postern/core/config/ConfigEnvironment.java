// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * SUMMARY   Runtime facts that supply defaults Postfix compiles in or asks the host for.
 * DESCRIPTION
 *   config_directory is {@code configDirectory}; queue_directory is {@code <dataDirectory>/queue};
 *   data_directory is {@code <dataDirectory>/data}; myhostname defaults to {@code hostname}, with
 *   ".$mydomain" (or ".localdomain") appended when it has no dot, as Postfix does with
 *   gethostname(). Passing these in keeps tests deterministic.
 */
public record ConfigEnvironment(Path configDirectory, Path dataDirectory, String hostname) {

    public ConfigEnvironment {
        Objects.requireNonNull(configDirectory, "configDirectory");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(hostname, "hostname");
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("empty hostname");
        }
    }

    /** The queue_directory default. */
    public Path queueDirectory() {
        return dataDirectory.resolve("queue");
    }

    /** The data_directory default (Postfix's data_directory, below our data directory). */
    public Path postfixDataDirectory() {
        return dataDirectory.resolve("data");
    }

    /** The same environment with another config directory (postconf -c). */
    public ConfigEnvironment withConfigDirectory(Path directory) {
        return new ConfigEnvironment(directory, dataDirectory, hostname);
    }
}
