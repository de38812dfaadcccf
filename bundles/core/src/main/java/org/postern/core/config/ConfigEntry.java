// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.Path;

/**
 * SUMMARY   One "name = value" setting as written in main.cf (or a master.cf -o override).
 * DESCRIPTION
 *   {@code value} is the logical line's value, continuation lines joined, unexpanded.
 *   {@code file} and {@code line} (first physical line, 1-based) are kept for error messages.
 */
public record ConfigEntry(String name, String value, Path file, int line) {

    /** "{@code /x/main.cf, line 12: }", the prefix of error messages about this entry. */
    public String location() {
        return ConfigException.location(file, line);
    }
}
