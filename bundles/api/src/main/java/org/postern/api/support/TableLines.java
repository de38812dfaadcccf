// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * SUMMARY   Logical lines of a Postfix table file (Postfix readllines()), and inline "{ {rule}, {rule} }" tables.
 * DESCRIPTION
 *   Empty, whitespace-only and comment lines ("#" as first non-blank) are dropped, also in the
 *   middle of a logical line. A line that starts with whitespace continues the previous logical
 *   line and is appended as is, leading whitespace included. Each logical line keeps the number
 *   of its first physical line for warnings.
 * SECURITY  The file is admin-provided; warnings quote it through {@link LogText#printable}.
 */
public final class TableLines {

    /** One logical line and the number of its first physical line. */
    public record Line(int number, String text) {
    }

    private TableLines() {
    }

    public static List<Line> read(Path file, BiConsumer<Integer, String> warn) throws IOException {
        return join(Files.readAllLines(file, StandardCharsets.UTF_8), warn);
    }

    /** readllines(): joins continuation lines, drops comments and blank lines. */
    public static List<Line> join(List<String> physical, BiConsumer<Integer, String> warn) {
        List<Line> out = new ArrayList<>();
        StringBuilder current = null;
        int first = 0;
        for (int i = 0; i < physical.size(); i++) {
            String text = physical.get(i);
            String stripped = text.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            boolean continuation = Character.isWhitespace(text.charAt(0));
            if (continuation && current != null) {
                current.append(text);
            } else if (continuation) {
                warn.accept(i + 1, "logical line must not start with whitespace: \"" + LogText.printable(text) + "\"");
            } else {
                if (current != null) {
                    out.add(new Line(first, current.toString()));
                }
                current = new StringBuilder(text);
                first = i + 1;
            }
        }
        if (current != null) {
            out.add(new Line(first, current.toString()));
        }
        return out;
    }

    /**
     * The rules of an inline table "{ {rule-1}, {rule-2} }" (Postfix 3.7 INLINE SPECIFICATION),
     * one per line, numbered from 1.
     *
     * @throws IllegalArgumentException on unbalanced braces or text outside the braces
     */
    public static List<Line> inline(String spec) {
        String body = stripBraces(spec);
        List<Line> out = new ArrayList<>();
        int i = 0;
        int n = body.length();
        while (i < n) {
            char c = body.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            int depth = 0;
            while (i < n) {
                c = body.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (--depth < 0) {
                        throw new IllegalArgumentException("unexpected '}' in \"" + LogText.printable(spec) + "\"");
                    }
                } else if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                    break;
                }
                i++;
            }
            if (depth != 0) {
                throw new IllegalArgumentException("missing '}' in \"" + LogText.printable(spec) + "\"");
            }
            String token = body.substring(start, i);
            out.add(new Line(out.size() + 1, token.startsWith("{") ? stripBraces(token) : token));
        }
        return out;
    }

    private static String stripBraces(String token) {
        String t = token.strip();
        int depth = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0 && i != t.length() - 1) {
                throw new IllegalArgumentException("text after '}' in \"" + LogText.printable(token) + "\"");
            }
        }
        if (!t.startsWith("{") || !t.endsWith("}") || depth != 0) {
            throw new IllegalArgumentException("need \"{ {rule}, ... }\" instead of \"" + LogText.printable(token) + "\"");
        }
        return t.substring(1, t.length() - 1).strip();
    }

}
