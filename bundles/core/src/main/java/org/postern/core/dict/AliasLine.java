// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.util.ArrayList;
import java.util.List;

/**
 * SUMMARY   One aliases(5) entry, "name: value, value", normalized as Postfix's postalias does.
 * DESCRIPTION
 *   The line is split into RFC 822 tokens: atoms, quoted strings, (comments), [domain
 *   literals] and the specials ()<>@,;:\".[]. The name is the tokens before the first colon,
 *   quotes removed ("Quo Ted": x gives the name Quo Ted); the value is the tokens after it,
 *   written back with one space between words and after each comma, and none around other
 *   specials: "a.b : c (x) ,d" gives "a.b:c (x), d". An atom with a backslash escape is
 *   written as a quoted string. Behaviour observed with Postfix 3.7's postalias.
 * SECURITY  The file is the administrator's; nothing here is evaluated.
 * BUGS      8-bit atoms are kept as they are (Postfix may quote them when SMTPUTF8 is off).
 */
record AliasLine(String name, String value) {

    private enum Kind { ATOM, QUOTED, COMMENT, LITERAL, SPECIAL }

    private record Token(Kind kind, String text) {
        boolean isWord() {
            return kind != Kind.SPECIAL;
        }

        boolean is(char c) {
            return kind == Kind.SPECIAL && text.charAt(0) == c;
        }
    }

    private static final String SPECIALS = "()<>@,;:\\\".[]";

    /** The entry, or null when there is no name before a colon or nothing after it. */
    static AliasLine parse(String line) {
        List<Token> tokens = tokenize(line);
        int colon = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).is(':')) {
                colon = i;
                break;
            }
        }
        if (colon <= 0 || colon == tokens.size() - 1) {
            return null;
        }
        return new AliasLine(name(tokens.subList(0, colon)), value(tokens.subList(colon + 1, tokens.size())));
    }

    private static String name(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        Token previous = null;
        for (Token t : tokens) {
            if (previous != null && previous.isWord() && t.isWord()) {
                out.append(' ');
            }
            out.append(t.kind() == Kind.QUOTED ? t.text() : externalForm(t));
            previous = t;
        }
        return out.toString();
    }

    private static String value(List<Token> tokens) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            out.append(externalForm(t));
            if (i + 1 < tokens.size()) {
                Token next = tokens.get(i + 1);
                if (t.is(',') || next.is('<') || (t.isWord() && next.isWord())) {
                    out.append(' ');
                }
            }
        }
        return out.toString().stripTrailing();
    }

    private static String externalForm(Token t) {
        return switch (t.kind()) {
            case QUOTED -> "\"" + t.text().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case ATOM -> t.text();
            case LITERAL -> "[" + t.text() + "]";
            case COMMENT, SPECIAL -> t.text();
        };
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder text = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    text.append(s.charAt(i++));
                }
                i++;
                tokens.add(new Token(Kind.QUOTED, text.toString()));
            } else if (c == '(') {
                int start = i;
                int depth = 0;
                do {
                    char d = s.charAt(i);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                    i++;
                } while (i < n && depth > 0);
                tokens.add(new Token(Kind.COMMENT, s.substring(start, Math.min(i, n))));
            } else if (c == '[') {
                int end = s.indexOf(']', i);
                end = end < 0 ? n : end;
                tokens.add(new Token(Kind.LITERAL, s.substring(i + 1, end)));
                i = end + 1;
            } else if (SPECIALS.indexOf(c) >= 0 && c != '\\') {
                tokens.add(new Token(Kind.SPECIAL, String.valueOf(c)));
                i++;
            } else {
                StringBuilder text = new StringBuilder();
                boolean escaped = false;
                while (i < n) {
                    char d = s.charAt(i);
                    if (Character.isWhitespace(d) || (SPECIALS.indexOf(d) >= 0 && d != '\\')) {
                        break;
                    }
                    if (d == '\\' && i + 1 < n) {
                        escaped = true;
                        i++;
                        d = s.charAt(i);
                    }
                    text.append(d);
                    i++;
                }
                // An atom with a backslash escape is written back as a quoted string, as Postfix does.
                tokens.add(new Token(escaped ? Kind.QUOTED : Kind.ATOM, text.toString()));
            }
        }
        return tokens;
    }
}
