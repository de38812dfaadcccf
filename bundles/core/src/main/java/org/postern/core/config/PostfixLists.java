// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * SUMMARY   Splits Postfix list values ("a, b c", "{ a b }, c") into tokens.
 * DESCRIPTION
 *   Tokens are separated by whitespace and commas. A token that starts with "{" runs to
 *   the matching "}" (nested braces count) and may contain separators; the braces stay in
 *   the token so that callers decide whether to strip them ({@link #stripBraces}).
 *   This is Postfix's mystrtokq()/extpar() behaviour, used for parameter lists, inline:,
 *   randmap:, unionmap: and pipemap: specifications.
 * SECURITY  Pure string handling; unbalanced braces are reported, never guessed at.
 */
public final class PostfixLists {

    /** Postfix's CHARS_COMMA_SP. */
    public static final String COMMA_SPACE = ", \t\r\n";

    private PostfixLists() {
    }

    /** One entry of a match list: its pattern and whether an odd number of "!" negates it. */
    public record ListEntry(boolean negated, String pattern) {

        /**
         * Strips the leading "!"s of {@code raw} (each one flips the sense, as in Postfix).
         *
         * @throws ConfigException naming {@code parameter} when no pattern follows them
         */
        public static ListEntry parse(String parameter, String raw) throws ConfigException {
            String pattern = raw;
            boolean negated = false;
            while (pattern.startsWith("!")) {
                negated = !negated;
                pattern = pattern.substring(1);
            }
            if (pattern.isEmpty()) {
                throw new ConfigException(parameter + ": empty pattern after \"!\"");
            }
            return new ListEntry(negated, pattern);
        }
    }

    /**
     * The words of a "/file/name" entry in a list parameter (mynetworks, smtpd_forbidden_commands
     * ...): the file's lines without blank lines and # comments, each split as a list.
     *
     * @throws ConfigException naming {@code parameter} and the file when it cannot be read
     */
    public static List<String> fileWords(String parameter, String file) throws ConfigException {
        List<String> words = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    words.addAll(split(l));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(parameter + ": open file " + file + ": " + e.getMessage());
        }
        return words;
    }

    /** Splits on commas and whitespace, keeping {@code {...}} groups whole. */
    public static List<String> split(String text) {
        return split(text, COMMA_SPACE);
    }

    /**
     * Splits on any of {@code separators}, keeping {@code {...}} groups whole.
     *
     * @throws IllegalArgumentException on a "{" without its "}" or a stray "}"
     */
    public static List<String> split(String text, String separators) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && separators.indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            int depth = 0;
            while (i < n) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    if (depth == 0) {
                        throw new IllegalArgumentException("unexpected '}' at offset " + i + " in \"" + text + "\"");
                    }
                    depth--;
                } else if (depth == 0 && separators.indexOf(c) >= 0) {
                    break;
                }
                i++;
            }
            if (depth != 0) {
                throw new IllegalArgumentException("missing '}' in \"" + text + "\"");
            }
            tokens.add(text.substring(start, i));
        }
        return tokens;
    }

    /**
     * Removes one pair of enclosing braces and the whitespace inside them:
     * {@code "{ a b }"} becomes {@code "a b"}; a token without braces is returned trimmed.
     *
     * @throws IllegalArgumentException when the token starts with "{" but does not end with its match
     */
    public static String stripBraces(String token) {
        String t = token.strip();
        if (!t.startsWith("{")) {
            return t;
        }
        int depth = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0 && i != t.length() - 1) {
                    throw new IllegalArgumentException("text after '}' in \"" + token + "\"");
                }
            }
        }
        if (depth != 0 || !t.endsWith("}")) {
            throw new IllegalArgumentException("missing '}' in \"" + token + "\"");
        }
        return t.substring(1, t.length() - 1).strip();
    }

    /** True when the token is a {@code {...}} group. */
    public static boolean isGroup(String token) {
        String t = token.strip();
        return t.startsWith("{") && t.endsWith("}");
    }
}
