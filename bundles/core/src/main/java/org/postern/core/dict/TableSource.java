// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.postern.api.support.LogText;
import org.postern.api.support.TableLines;

/**
 * SUMMARY   The entries of a postmap(1) source file: "key whitespace value" lines.
 * DESCRIPTION
 *   Comments, blank lines and continuation lines as Postfix's readllines() (see
 *   {@link TableLines}). The key is the first word; the value is the rest, without the
 *   whitespace around it. A line with no value is warned about as Postfix's postmap does,
 *   "FILE, line N: expected format: key whitespace value", and skipped.
 * SECURITY  The source is the administrator's; warnings quote it through LogText.
 */
public final class TableSource {

    /** One entry and the number of its first line. */
    public record Entry(int line, String key, String value) {
    }

    private TableSource() {
    }

    /** Entries of {@code physical} lines read from {@code source} (a file name, or "stdin"). */
    public static List<Entry> postmap(List<String> physical, String source, Consumer<String> warn) {
        List<Entry> entries = new ArrayList<>();
        for (TableLines.Line line : TableLines.join(physical, (n, why) -> warn.accept(source + ", line " + n + ": " + why))) {
            String text = line.text();
            int end = 0;
            while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            String value = text.substring(end).strip();
            if (value.isEmpty()) {
                warn.accept(source + ", line " + line.number() + ": expected format: key whitespace value");
                continue;
            }
            entries.add(new Entry(line.number(), text.substring(0, end), value));
        }
        return entries;
    }

    /** Entries of an aliases(5) file: "name: value, value"; see {@link AliasLine}. */
    public static List<Entry> aliases(List<String> physical, String source, Consumer<String> warn) {
        List<Entry> entries = new ArrayList<>();
        for (TableLines.Line line : TableLines.join(physical, (n, why) -> warn.accept(source + ", line " + n + ": " + why))) {
            AliasLine parsed = AliasLine.parse(line.text());
            if (parsed == null) {
                warn.accept(source + ", line " + line.number() + ": need name:value pair");
                continue;
            }
            entries.add(new Entry(line.number(), parsed.name(), parsed.value()));
        }
        return entries;
    }

    static String quote(String text) {
        return LogText.printable(text);
    }
}
