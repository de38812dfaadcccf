// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SUMMARY   The command attributes of a pipe service in master.cf (pipe(8) COMMAND ATTRIBUTE SYNTAX).
 * DESCRIPTION
 *   {@code flags=}, {@code user=name[:group]}, {@code size=}, {@code eol=}, {@code directory=},
 *   {@code null_sender=}, {@code chroot=} and, last, {@code argv=command args...}. A token in
 *   "{ ... }" (master.cf grouping, Postfix 3.0) stands for its inner text, whitespace around it
 *   removed. The eol value knows the C escapes \a \b \f \n \r \t \v \ddd and \\.
 * SECURITY  Written by the administrator; a bad attribute is a configuration error (the
 *   caller defers the mail and logs it), never a bounce.
 * BUGS      chroot= is parsed but not supported (the caller defers with a warning).
 */
record PipeAttributes(Set<PipeFlag> flags, String user, Optional<String> group, List<String> argv,
                      long sizeLimit, String eol, Optional<String> directory, String nullSender,
                      Optional<String> chroot) {

    /** A bad or missing attribute; the message names it. */
    static final class InvalidAttributesException extends Exception {
        InvalidAttributesException(String message) {
            super(message);
        }
    }

    PipeAttributes {
        flags = Set.copyOf(flags);
        argv = List.copyOf(argv);
    }

    static PipeAttributes parse(List<String> arguments) throws InvalidAttributesException {
        Set<PipeFlag> flags = EnumSet.noneOf(PipeFlag.class);
        String user = null;
        String group = null;
        long size = 0;
        String eol = "\n";
        String directory = null;
        String nullSender = "MAILER-DAEMON";
        String chroot = null;
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String token = ungroup(arguments.get(i));
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new InvalidAttributesException("unknown attribute name: " + token);
            }
            String name = token.substring(0, eq);
            String value = token.substring(eq + 1);
            switch (name) {
                case "flags" -> flags = PipeFlag.parse(value);
                case "user" -> {
                    int colon = value.indexOf(':');
                    user = colon < 0 ? value : value.substring(0, colon);
                    group = colon < 0 ? null : value.substring(colon + 1);
                    if (user.isEmpty() || (group != null && group.isEmpty())) {
                        throw new InvalidAttributesException("bad user= attribute: " + value);
                    }
                }
                case "size" -> {
                    try {
                        size = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new InvalidAttributesException("bad size= attribute: " + value);
                    }
                    if (size < 0) {
                        throw new InvalidAttributesException("bad size= attribute: " + value);
                    }
                }
                case "eol" -> eol = unescape(value);
                case "directory" -> directory = value;
                case "null_sender" -> nullSender = value;
                case "chroot" -> chroot = value;
                case "argv" -> {
                    if (!value.isEmpty()) {
                        argv.add(value);
                    }
                    for (int j = i + 1; j < arguments.size(); j++) {
                        argv.add(ungroup(arguments.get(j)));
                    }
                    i = arguments.size();
                }
                default -> throw new InvalidAttributesException("unknown attribute name: " + name);
            }
        }
        if (user == null) {
            throw new InvalidAttributesException("missing user= command-line attribute");
        }
        if (argv.isEmpty()) {
            throw new InvalidAttributesException("missing argv= command-line attribute");
        }
        return new PipeAttributes(flags, user, Optional.ofNullable(group), argv, size, eol,
                Optional.ofNullable(directory), nullSender, Optional.ofNullable(chroot));
    }

    /** "{ text }" as master.cf groups it: the inner text without the surrounding whitespace. */
    static String ungroup(String token) {
        if (token.length() >= 2 && token.startsWith("{") && token.endsWith("}")) {
            return token.substring(1, token.length() - 1).strip();
        }
        return token;
    }

    /** C-style escapes, as Postfix's unescape(): \a \b \f \n \r \t \v \\ and \ddd (octal). */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char n = text.charAt(++i);
            switch (n) {
                case 'a' -> out.append('\007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\013');
                default -> {
                    if (n >= '0' && n <= '7') {
                        int v = 0;
                        int k = 0;
                        while (k < 3 && i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7') {
                            v = v * 8 + (text.charAt(i++) - '0');
                            k++;
                        }
                        i--;
                        out.append((char) v);
                    } else {
                        out.append(n);
                    }
                }
            }
        }
        return out.toString();
    }
}
