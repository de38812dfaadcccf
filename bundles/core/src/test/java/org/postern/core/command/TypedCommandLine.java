// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.console.Candidate;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;

/**
 * A command line as the console hands it to a completer when TAB is pressed at the end of
 * {@code text}: words split at single spaces, the cursor in the last (possibly empty) word.
 * Karaf's own implementation is internal to its console.
 */
record TypedCommandLine(String text) implements CommandLine {

    @Override
    public String[] getArguments() {
        return text.split(" ", -1);
    }

    @Override
    public int getCursorArgumentIndex() {
        return getArguments().length - 1;
    }

    @Override
    public String getCursorArgument() {
        return getArguments()[getCursorArgumentIndex()];
    }

    @Override
    public int getArgumentPosition() {
        return getCursorArgument().length();
    }

    @Override
    public String getBuffer() {
        return text;
    }

    @Override
    public int getBufferPosition() {
        return text.length();
    }

    /** What {@code completer} offers at the end of {@code text}: the candidates' values, sorted. */
    static List<String> values(Completer completer, String text) {
        return candidates(completer, text).stream().map(Candidate::value).sorted().collect(Collectors.toList());
    }

    /** The candidates {@code completer} offers at the end of {@code text}, as the console receives them. */
    static List<Candidate> candidates(Completer completer, String text) {
        List<Candidate> out = new java.util.ArrayList<>();
        completer.completeCandidates(null, new TypedCommandLine(text), out);  // no completer here reads the session
        return out;
    }
}
