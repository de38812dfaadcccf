// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.HostNames;

/**
 * SUMMARY   The bin/ tools' client: runs one tool in the running Postern over the tool socket,
 *           or in this process when the tool reads and writes files (or Postern is stopped).
 * DESCRIPTION
 *   Usage: {@code ToolClient TOOL [ARG...]}, with the system property postern.home (the
 *   distribution). Standard input is sent only when the tool asks for it. sendmail keeps a
 *   copy of the message: if Postern is not running, or the connection breaks before the
 *   server's answer, the message is appended to $HOME/dead.letter and the exit status is 75
 *   (EX_TEMPFAIL), as Postfix's sendmail does when it cannot post. Only the server's status 0
 *   means the message was queued (after its fsync).
 * SECURITY  Runs as the calling user with no privilege; the server learns who that is from the
 *           kernel, not from anything sent here.
 */
public final class ToolClient {

    static final int EX_UNAVAILABLE = 69;
    static final int EX_TEMPFAIL = 75;

    private final Path home;
    private final String tool;
    private final List<String> args;
    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    ToolClient(Path home, String tool, List<String> args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.home = home;
        this.tool = tool;
        this.args = args;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] argv) {
        if (argv.length == 0) {
            System.err.println("usage: ToolClient TOOL [ARG...]");
            System.exit(64);
        }
        Path home = Path.of(System.getProperty("postern.home", ".")).toAbsolutePath().normalize();
        int status = new ToolClient(home, argv[0], Arrays.asList(argv).subList(1, argv.length), System.in,
                System.out, System.err).run();
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    private Path dataDirectory() {
        return home.resolve("data").resolve("postern");
    }

    int run() {
        boolean building = isTableBuild();
        if (!building) {
            SocketChannel channel;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                LongSocketPaths.connect(channel, ToolFrames.socketPath(dataDirectory()));
            } catch (IOException e) {
                return notRunning();
            }
            try (channel) {
                return remote(channel);
            } catch (RunLocally e) {
                // the server handed the tool back to this process
            } catch (IOException e) {
                return lostConnection(e);
            }
        }
        return local(stdin);
    }

    /** postmap/postalias without -q/-Q/-s, and newaliases: always here, as the caller. */
    private boolean isTableBuild() {
        if (tool.equals("newaliases") || (tool.equals("sendmail") && args.contains("-bi"))) {
            return true;
        }
        if (!tool.equals("postmap") && !tool.equals("postalias")) {
            return false;
        }
        for (String a : args) {
            if (a.equals("--") || !a.startsWith("-")) {
                break;
            }
            if (a.indexOf('q') > 0 || a.indexOf('Q') > 0 || a.indexOf('s') > 0) {
                return false;
            }
        }
        return true;
    }

    private static final class RunLocally extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** What sendmail read from standard input so far, for dead.letter. */
    private final ByteArrayOutputStream sentInput = new ByteArrayOutputStream();
    /** The thread copying standard input to the server, once the server asked for it. */
    private Thread sender;

    private int remote(SocketChannel channel) throws IOException, RunLocally {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(channel)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel)));
        ToolFrames.write(out, ToolFrames.ARGUMENT, tool);
        for (String a : args) {
            ToolFrames.write(out, ToolFrames.ARGUMENT, a);
        }
        ToolFrames.write(out, ToolFrames.DIRECTORY, Path.of("").toAbsolutePath().toString());
        ToolFrames.write(out, ToolFrames.GO, new byte[0], 0, 0);
        out.flush();
        try {
            while (true) {
                ToolFrames.Frame frame = ToolFrames.read(in);
                switch (frame.type()) {
                    case ToolFrames.OUTPUT -> {
                        stdout.write(frame.payload());
                        stdout.flush();
                    }
                    case ToolFrames.ERROR -> stderr.write(frame.payload());
                    case ToolFrames.NEED_INPUT -> {
                        sender = new Thread(() -> sendInput(out), "stdin");
                        sender.setDaemon(true);
                        sender.start();
                    }
                    case ToolFrames.RUN_LOCALLY -> throw new RunLocally();
                    case ToolFrames.EXIT -> {
                        return frame.status();
                    }
                    default -> throw new IOException("unexpected frame from Postern");
                }
            }
        } catch (EOFException e) {
            throw new IOException("Postern closed the connection before it answered");
        }
    }

    /** Copies standard input to the server (and, for sendmail, to a copy kept for dead.letter). */
    private void sendInput(DataOutputStream out) {
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                if (tool.equals("sendmail")) {
                    synchronized (sentInput) {
                        sentInput.write(buffer, 0, n);
                    }
                }
                ToolFrames.write(out, ToolFrames.INPUT, buffer, 0, n);
                out.flush();   // each read as it comes: sendmail -bs is a dialogue
            }
            ToolFrames.write(out, ToolFrames.INPUT_END, new byte[0], 0, 0);
            out.flush();
        } catch (IOException e) {
            // the server went away; the main thread reports it
        }
    }

    /** sendmail in its deliver mode: the one call whose input must not be lost. */
    private boolean submitsMessage() {
        return tool.equals("sendmail") && args.stream().noneMatch(a -> a.equals("-bp") || a.equals("-bs")
                || a.equals("-bi") || a.startsWith("-q"));
    }

    private int notRunning() {
        if (OfflineTools.runsOffline(tool, args)) {
            return local(stdin);
        }
        String program = tool.equals("mailq") ? "postqueue" : tool;
        String reason = "Postern is not running (no " + ToolFrames.socketPath(dataDirectory()) + ")";
        if (submitsMessage()) {
            return DeadLetter.save(stdin, sentInput, reason, stderr);
        }
        stderr.println(program + ": fatal: " + reason + "; start it with bin/postfix start");
        return EX_UNAVAILABLE;
    }

    private int lostConnection(IOException e) {
        String reason = "lost connection to Postern: " + e.getMessage();
        if (submitsMessage()) {
            awaitSender();   // it stops at its next write; what it read is in sentInput
            synchronized (sentInput) {
                return DeadLetter.save(stdin, sentInput, reason, stderr);
            }
        }
        stderr.println(tool + ": fatal: " + reason);
        return EX_TEMPFAIL;
    }

    private void awaitSender() {
        if (sender != null) {
            try {
                sender.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int local(InputStream input) {
        ConfigEnvironment environment = new ConfigEnvironment(home.resolve("etc").resolve("postern"),
                dataDirectory(), HostNames.local());
        PrintWriter out = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(stderr, true, StandardCharsets.UTF_8);
        String user = System.getProperty("user.name");
        ToolCall call = new ToolCall(tool, args, new Caller(user, -1, false), Path.of("").toAbsolutePath(),
                () -> input, stdout, out, err);
        try {
            return new OfflineTools(environment).run(call);
        } catch (IOException e) {
            err.println(tool + ": fatal: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
