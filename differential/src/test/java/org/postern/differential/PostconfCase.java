// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.util.List;

/**
 * One postconf query: the files of the config directory (null: the file does not exist) and
 * the command line after {@code -c DIR}.
 */
record PostconfCase(String corpus, String mainCf, String masterCf, List<String> args) {

    /** The name docs/postfix-differences.md lists it under. */
    String key() {
        return "postconf: " + corpus + ": " + String.join(" ", args);
    }
}
