// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

/**
 * The common skeleton of postern: commands: run, print, and report an exit status.
 *
 * <p>Karaf's shell has no exit status for a command that prints and returns normally, but a
 * script driving the console (the Pax Exam tests; the bin/ tools use the tool socket instead)
 * needs one, as Postfix's tools give. When the
 * session variable {@value #STATUS_MARKER} is set, the status is printed
 * as a last line {@code @@postern-status=N} that the wrapper strips and exits with, and
 * standard-error lines come marked with {@code @@postern-err:} (Karaf's SSH batch channel
 * does not carry a command's stderr).
 */
public abstract class PosternAction implements Action {

    /** Session variable the bin/ wrappers set to receive exit statuses. */
    public static final String STATUS_MARKER = "POSTERN_STATUS_MARKER";

    /** Last output line in wrapper mode: the exit status. */
    public static final String STATUS_PREFIX = "@@postern-status=";

    /** Prefix of a standard-error line in wrapper mode. */
    public static final String ERR_MARKER = "@@postern-err:";

    @Reference
    protected Session session;

    @Override
    public final Object execute() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        boolean forWrapper = session != null && session.get(STATUS_MARKER) != null;
        // Karaf's SSH batch channel drops the command's stderr: the wrappers get it on stdout, marked.
        PrintWriter err = forWrapper
                ? new PrintWriter(new LinePrefixWriter(out, ERR_MARKER), true)
                : new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status;
        try {
            status = run(out, err);
        } finally {
            err.flush();
            out.flush();
        }
        if (forWrapper) {
            out.println(STATUS_PREFIX + status);
            out.flush();
        }
        return null;
    }

    /** Does the work; returns the exit status Postfix's tool would have. */
    protected abstract int run(PrintWriter out, PrintWriter err) throws Exception;

    /** Session variable the bin/ wrappers set to the caller's working directory. */
    public static final String CALLER_DIRECTORY = "POSTERN_CWD";

    /**
     * A path as the caller meant it: relative paths given to bin/postconf or bin/postmap are
     * relative to the shell's working directory, not to Karaf's.
     */
    protected Path resolveAgainstCallerDirectory(String path) {
        Object cwd = session == null ? null : session.get(CALLER_DIRECTORY);
        Path p = Path.of(path);
        return p.isAbsolute() || cwd == null ? p.toAbsolutePath() : Path.of(cwd.toString()).resolve(p);
    }

    /** Session variable the bin/ wrappers set to a file holding their standard input. */
    public static final String STDIN_FILE = "POSTERN_STDIN_FILE";

    /** The caller's standard input (postmap -q -): the wrapper's file, else the session's keyboard. */
    protected BufferedReader stdin() throws IOException {
        Object file = session.get(STDIN_FILE);
        if (file != null) {
            return Files.newBufferedReader(Path.of(file.toString()), StandardCharsets.UTF_8);
        }
        return new BufferedReader(new InputStreamReader(session.getKeyboard(), StandardCharsets.UTF_8));
    }
}
