// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;

/**
 * The common skeleton of postern: commands: run, print, and report an exit status.
 *
 * <p>Karaf's shell has no exit status for a command that prints and returns normally, but
 * the bin/ wrappers (bin/postmap, bin/postconf, ...) must exit like Postfix's tools. When the
 * session variable {@value #STATUS_MARKER} is set (the wrappers set it), the status is printed
 * as a last line {@code @@postern-status=N} that the wrapper strips and exits with.
 */
public abstract class PosternAction implements Action {

    /** Session variable the bin/ wrappers set to receive exit statuses. */
    public static final String STATUS_MARKER = "POSTERN_STATUS_MARKER";

    @Reference
    protected Session session;

    @Override
    public final Object execute() throws Exception {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int status;
        try {
            status = run(out, err);
        } finally {
            out.flush();
            err.flush();
        }
        if (session != null && session.get(STATUS_MARKER) != null) {
            out.println("@@postern-status=" + status);
            out.flush();
        }
        return null;
    }

    /** Does the work; returns the exit status Postfix's tool would have. */
    protected abstract int run(PrintWriter out, PrintWriter err) throws Exception;

    /** The session's standard input (postmap -q -). */
    protected BufferedReader stdin() {
        return new BufferedReader(new InputStreamReader(session.getKeyboard(), StandardCharsets.UTF_8));
    }
}
