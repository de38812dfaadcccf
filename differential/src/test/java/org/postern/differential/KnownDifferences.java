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
 * the listed behaviour is pinned, and fails a listed case that no longer differs. A case
 * ending in "*" lists every case whose name starts with the text before it.
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

    /**
     * Postern's pinned answer for {@code key}, or null when the case is not listed. A listed
     * case ending in "*" stands for every case that starts with the text before it.
     */
    String posternAnswer(String key) {
        String exact = posternAnswers.get(key);
        if (exact != null) {
            return exact;
        }
        return posternAnswers.entrySet().stream().filter(e -> covers(e.getKey(), key)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** Whether {@code key} is listed by name, not only through a row ending in "*". */
    boolean listedExactly(String key) {
        return posternAnswers.containsKey(key);
    }

    /** Whether the listed case {@code listed} stands for the case {@code key}. */
    static boolean covers(String listed, String key) {
        return listed.equals(key) || listed.endsWith("*") && key.startsWith(listed.substring(0, listed.length() - 1));
    }

    Map<String, String> all() {
        return posternAnswers;
    }
}
