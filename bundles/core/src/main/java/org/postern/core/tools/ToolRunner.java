// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;
import org.postern.api.support.LogText;
import org.postern.core.dict.PostmapBuild;
import org.postern.core.queue.QueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   One connection of the tool socket: read the request, identify the caller, run the
 *           tool, send its output and exit status.
 * SECURITY  The request is untrusted: frame sizes and counts are bounded ({@link ToolFrames}),
 *           an unknown tool name is refused, and the caller is the kernel's SO_PEERCRED answer.
 */
final class ToolRunner {

    private static final Logger LOG = LoggerFactory.getLogger("postern.master");

    private final QueueTools queueTools;
    private final AdminTools adminTools;
    private final SendmailTool sendmail;
    private final CallerAuthority authority;
    private final Tool tlsFinger;
    private final Tool tlsReports;

    ToolRunner(ToolContext context, QueueTools queueTools, AdminTools adminTools, QueueStore queue,
               SmtpOnStandardInput smtp, CallerAuthority authority, Tool tlsFinger, Tool tlsReports) {
        this.tlsFinger = tlsFinger;
        this.tlsReports = tlsReports;
        this.queueTools = queueTools;
        this.adminTools = adminTools;
        this.sendmail = new SendmailTool(queue, queueTools, context, smtp);
        this.authority = authority;
    }

    /** The tool for a name, or null. */
    private Tool tool(String name) {
        return switch (name) {
            case "sendmail" -> sendmail::run;
            case "mailq" -> queueTools::mailq;
            case "postqueue" -> queueTools::postqueue;
            case "postsuper" -> adminTools::postsuper;
            case "postcat" -> adminTools::postcat;
            case "postconf" -> adminTools::postconf;
            case "postmap" -> call -> adminTools.table(call, PostmapBuild.Format.POSTMAP);
            case "postalias" -> call -> adminTools.table(call, PostmapBuild.Format.POSTALIAS);
            case "newaliases" -> call -> Tool.RUN_LOCALLY;
            case "postfix" -> adminTools::postfix;
            case "posttls-finger" -> tlsFinger;
            case "tlsrpt-show", "tlsrpt-send", "tlsrpt-status" -> tlsReports;
            default -> null;
        };
    }

    void serve(SocketChannel channel, ScheduledExecutorService timer, int requestTimeoutSeconds) {
        ScheduledFuture<?> deadline = timer.schedule(() -> close(channel), requestTimeoutSeconds, TimeUnit.SECONDS);
        try {
            Caller caller = authority.identify(channel.getOption(ExtendedSocketOptions.SO_PEERCRED));
            DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.in(channel)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(ChannelStreams.out(channel)));
            List<String> words = new ArrayList<>();
            Path directory = Path.of("/");
            for (ToolFrames.Frame f = ToolFrames.read(in); f.type() != ToolFrames.GO; f = ToolFrames.read(in)) {
                if (f.type() == ToolFrames.ARGUMENT && words.size() < ToolFrames.MAX_ARGUMENTS) {
                    words.add(f.text());
                } else if (f.type() == ToolFrames.DIRECTORY) {
                    directory = Path.of(f.text());
                } else {
                    throw new IOException("malformed request");
                }
            }
            deadline.cancel(false);
            if (words.isEmpty() || tool(words.get(0)) == null || !directory.isAbsolute()) {
                ToolFrames.write(out, ToolFrames.ERROR, "postern: fatal: malformed tool request\n");
                ToolFrames.writeStatus(out, 64);
                out.flush();
                return;
            }
            run(words.get(0), words.subList(1, words.size()), caller, directory, in, out);
        } catch (IOException | InvalidPathException | UncheckedIOException e) {
            LOG.debug("tool connection ended: {}", e.toString());
        } finally {
            deadline.cancel(false);
        }
    }

    private void run(String name, List<String> args, Caller caller, Path directory, DataInputStream in,
                     DataOutputStream out) throws IOException {
        FramedStreams.Output stdout = new FramedStreams.Output(out, ToolFrames.OUTPUT);
        FramedStreams.Output stderr = new FramedStreams.Output(out, ToolFrames.ERROR);
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        InputStream stdin = new FramedStreams.Input(in, () -> {
            try {
                synchronized (out) {
                    ToolFrames.write(out, ToolFrames.NEED_INPUT, new byte[0], 0, 0);
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        ToolCall call = new ToolCall(name, args, caller, directory, () -> stdin, stdout, outWriter, errWriter);
        int status;
        try {
            status = tool(name).run(call);
        } catch (IOException | RuntimeException e) {
            errWriter.println(name + ": fatal: " + LogText.printable(String.valueOf(e.getMessage())));
            LOG.warn("warning: {} for {}: {}", name, caller.describe(), e.toString());
            status = 75;
        }
        outWriter.flush();
        errWriter.flush();
        synchronized (out) {
            if (status == Tool.RUN_LOCALLY) {
                ToolFrames.write(out, ToolFrames.RUN_LOCALLY, new byte[0], 0, 0);
            } else {
                ToolFrames.writeStatus(out, status);
            }
            out.flush();
        }
    }

    private static void close(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
