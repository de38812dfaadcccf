// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * SUMMARY   getopt(3) as Postfix's command-line tools use it, without argument permutation.
 * DESCRIPTION
 *   Options cluster ("-ti" is -t -i); an option that takes a value takes the rest of its word
 *   or the next word ("-fjoe", "-f joe"). Parsing stops at "--" (which is dropped) or at the
 *   first word that is not an option; everything from there on is an operand. Which letters
 *   are valid is the caller's business: every letter comes back in order.
 */
public final class Getopt {

    /** One option as given: its letter and its value (null for a flag). */
    public record Opt(char letter, String value) {
    }

    /** The options in order, then the operands. */
    public record Parsed(List<Opt> options, List<String> operands) {
    }

    /** An option that takes a value came last, without one. */
    public static final class MissingArgument extends Exception {
        private static final long serialVersionUID = 1L;
        private final char letter;

        MissingArgument(char letter) {
            super("option requires an argument -- " + letter, null, false, false);
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    private Getopt() {
    }

    /**
     * @param withValue the letters that take a value
     */
    public static Parsed parse(List<String> args, String withValue) throws MissingArgument {
        List<Opt> options = new ArrayList<>();
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            if (word.equals("--")) {
                i++;
                break;
            }
            if (!word.startsWith("-") || word.length() < 2) {
                break;
            }
            i++;
            for (int k = 1; k < word.length(); k++) {
                char c = word.charAt(k);
                if (withValue.indexOf(c) < 0) {
                    options.add(new Opt(c, null));
                    continue;
                }
                if (k + 1 < word.length()) {
                    options.add(new Opt(c, word.substring(k + 1)));
                } else if (i < args.size()) {
                    options.add(new Opt(c, args.get(i++)));
                } else {
                    throw new MissingArgument(c);
                }
                break;
            }
        }
        return new Parsed(List.copyOf(options), List.copyOf(args.subList(i, args.size())));
    }
}
