// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * One run of a Postfix-named tool: its arguments, who asked, from where, and its three streams.
 * Standard input is asked for only when the tool reads it (the socket client then sends it).
 */
public final class ToolCall {

    private final String tool;
    private final List<String> args;
    private final Caller caller;
    private final Path directory;
    private final Supplier<InputStream> input;
    private final OutputStream rawOut;
    private final PrintWriter out;
    private final PrintWriter err;

    /**
     * @param rawOut standard output as bytes (sendmail -bs relays SMTP through it); {@code out}
     *               writes to the same stream
     */
    public ToolCall(String tool, List<String> args, Caller caller, Path directory, Supplier<InputStream> input,
                    OutputStream rawOut, PrintWriter out, PrintWriter err) {
        this.tool = tool;
        this.args = List.copyOf(args);
        this.caller = caller;
        this.directory = directory;
        this.input = input;
        this.rawOut = rawOut;
        this.out = out;
        this.err = err;
    }

    /** The tool's name as invoked: sendmail, mailq, postqueue, postmap ... */
    public String tool() {
        return tool;
    }

    public List<String> args() {
        return args;
    }

    public Caller caller() {
        return caller;
    }

    /** A path as the caller meant it: relative to the caller's working directory. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : directory.resolve(p);
    }

    public InputStream stdin() {
        return input.get();
    }

    public BufferedReader stdinReader() {
        return new BufferedReader(new InputStreamReader(input.get(), StandardCharsets.UTF_8));
    }

    public PrintWriter out() {
        return out;
    }

    /** Standard output as bytes; flush {@link #out()} first when both are used. */
    public OutputStream rawOut() {
        return rawOut;
    }

    public PrintWriter err() {
        return err;
    }

    /** The same call for another tool name (sendmail -bp is mailq). */
    public ToolCall as(String otherTool, List<String> otherArgs) {
        return new ToolCall(otherTool, otherArgs, caller, directory, input, rawOut, out, err);
    }
}
