// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * SUMMARY   postconf's output layout: "name = value" lines, -f folding, -M columns, -F fields.
 * DESCRIPTION
 *   Like postconf, values are printed as whitespace-separated words joined by one space.
 *   Folding (-f) starts a new line, indented by four spaces, before a word that would pass
 *   column 80 (and only when the line already holds more than the indent); master.cf lines
 *   are kept one column shorter, as postconf 3.7 does. master.cf
 *   entries put the seven fields at postconf's columns (0, 11, 17, 25, 33, 41, 49, command at
 *   57, at least one space apart); when folding, each "-o" setting starts a new line.
 */
public final class PostconfFormat {

    static final int LINE_LIMIT = 80;
    static final int INDENT = 4;
    private static final int[] COLUMNS = {0, 11, 17, 25, 33, 41, 49, 57};

    private PostconfFormat() {
    }

    /**
     * "name = value" ("name =" when empty), or only the value with {@code valueOnly}.
     * With {@code fold}, a {@code { ... }} group too long for one line is pretty-printed
     * (Postern's addition to postconf -f, from Postfix's wish list; Postfix 3.7 only folds).
     */
    public static String parameter(String name, String value, boolean valueOnly, boolean fold) {
        List<String> words = new ArrayList<>();
        if (!valueOnly) {
            words.add(name);
            words.add("=");
        }
        words.addAll(words(value));
        if (fold && words.stream().anyMatch(w -> w.contains("{"))) {
            List<String> items = new ArrayList<>();
            if (!valueOnly) {
                items.add(name);
                items.add("=");
            }
            items.addAll(GroupLayout.items(value));
            if (items.stream().anyMatch(GroupLayout::tooLongForOneLine)) {
                return GroupLayout.layout(items);
            }
        }
        return fold(words, fold);
    }

    /** One postconf -M entry (without line terminator; folded lines separated by "\n"). */
    public static String masterEntry(MasterService s, boolean fold) {
        StringBuilder line = new StringBuilder();
        List<String> fields = List.of(s.service(), s.type(), s.privateField(), s.unprivilegedField(),
                s.chrootField(), s.wakeupField(), s.processLimitField(), s.command());
        for (int f = 0; f < fields.size(); f++) {
            if (line.length() > 0) {
                do {
                    line.append(' ');
                } while (line.length() < COLUMNS[f]);
            }
            line.append(fields.get(f));
        }
        StringBuilder out = new StringBuilder();
        int lineLen = line.length();
        out.append(line);
        List<String> args = s.arguments();
        for (int i = 0; i < args.size(); i++) {
            String word = args.get(i);
            if (word.equals("-o") && i + 1 < args.size()) {
                word = word + " " + args.get(++i);
                if (fold && lineLen > INDENT) {
                    out.append('\n').append(" ".repeat(INDENT));
                    lineLen = INDENT;
                    out.append(word);
                    lineLen += word.length();
                    continue;
                }
            }
            // postconf keeps master.cf lines below column 80 (main.cf lines may reach it).
            if (fold && lineLen > INDENT && lineLen + 1 + word.length() >= LINE_LIMIT) {
                out.append('\n').append(" ".repeat(INDENT));
                lineLen = INDENT;
            } else {
                out.append(' ');
                lineLen++;
            }
            out.append(word);
            lineLen += word.length();
        }
        return out.toString();
    }

    /** postconf -F lines of one entry: "service/type/field = value". */
    public static List<String> masterFields(MasterService s, List<String> onlyFields) {
        List<String> out = new ArrayList<>();
        List<String> values = s.fields();
        for (int f = 0; f < MasterService.FIELD_NAMES.size(); f++) {
            String field = MasterService.FIELD_NAMES.get(f);
            if (onlyFields == null || onlyFields.contains(field)) {
                out.add(parameter(s.key() + "/" + field, values.get(f), false, false));
            }
        }
        return out;
    }

    private static List<String> words(String value) {
        List<String> words = new ArrayList<>();
        for (String w : value.strip().split("[ \t\r\n]+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private static String fold(List<String> words, boolean fold) {
        StringBuilder out = new StringBuilder();
        int lineLen = 0;
        for (String w : words) {
            if (fold && lineLen > INDENT && lineLen + 1 + w.length() > LINE_LIMIT) {
                out.append('\n').append(" ".repeat(INDENT));
                lineLen = INDENT;
            } else if (lineLen > 0) {
                out.append(' ');
                lineLen++;
            }
            out.append(w);
            lineLen += w.length();
        }
        return out.toString();
    }
}
