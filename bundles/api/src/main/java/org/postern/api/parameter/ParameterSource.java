// SPDX-License-Identifier: Apache-2.0
package org.postern.api.parameter;

import java.util.Objects;

/**
 * Where a parameter's value was set: a main.cf line, or the master.cf line of a service's
 * {@code -o name=value}.
 *
 * @param file the file as the administrator knows it ({@code /etc/postern/main.cf})
 * @param line the first physical line of the setting, 1-based; 0 when not known
 */
public record ParameterSource(String file, int line) {

    public ParameterSource {
        Objects.requireNonNull(file, "file");
    }

    /** "{@code /etc/postern/main.cf, line 12}", or the file alone when the line is not known. */
    @Override
    public String toString() {
        return line > 0 ? file + ", line " + line : file;
    }
}
