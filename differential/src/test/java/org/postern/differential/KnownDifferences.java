// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deliberate differences listed in docs/postfix-differences.md. A row of its tables reads
 * {@code | `area: case` | Postfix's answer | `Postern's answer` | why |}; the harness accepts a
 * listed case only while Postern still gives exactly that answer at the first difference, so
 * the listed behaviour is pinned, and fails a listed case that no longer differs.
 */
final class KnownDifferences {

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|[^|]*\\|\\s*`(.*)`\\s*\\|.*\\|\\s*$");

    private final Map<String, String> posternAnswers;

    private KnownDifferences(Map<String, String> posternAnswers) {
        this.posternAnswers = posternAnswers;
    }

    static KnownDifferences load() throws IOException {
        Path file = Path.of(System.getProperty("postern.differences", "../docs/postfix-differences.md"));
        Map<String, String> answers = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                // Markdown escapes the pipe inside table cells.
                answers.put(m.group(1), m.group(2).replace("\\|", "|"));
            }
        }
        return new KnownDifferences(answers);
    }

    /** Postern's pinned answer for {@code key}, or null when the case is not listed. */
    String posternAnswer(String key) {
        return posternAnswers.get(key);
    }

    Map<String, String> all() {
        return posternAnswers;
    }
}
