// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.Path;

/**
 * SUMMARY   A configuration error: bad main.cf/master.cf syntax, a bad value, an expansion loop.
 * DESCRIPTION
 *   The message names the file, the line and the parameter when they are known, in Postfix's
 *   words: {@code /x/main.cf, line 12: message_size_limit: bad numerical value: 10x}.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code file, line N: text}", leaving out what is not known (null file, line <= 0). */
    public static ConfigException at(Path file, int line, String text) {
        return new ConfigException(location(file, line) + text);
    }

    /** "{@code file, line N: }" prefix, or "{@code file: }", or "" when nothing is known. */
    static String location(Path file, int line) {
        if (file == null) {
            return line > 0 ? "line " + line + ": " : "";
        }
        return line > 0 ? file + ", line " + line + ": " : file + ": ";
    }
}
