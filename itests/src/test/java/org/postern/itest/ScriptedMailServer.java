// SPDX-License-Identifier: Apache-2.0
package org.postern.itest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The far end of a delivery for the itests: an SMTP (or LMTP) server on 127.0.0.1 that answers
 * RCPT TO with {@code rcptReply(address)} and keeps every message it accepts. LMTP answers
 * the final "." once per accepted recipient, as RFC 2033 says.
 */
final class ScriptedMailServer implements AutoCloseable {

    /** A message as received: envelope and content. */
    record Received(String mailFrom, List<String> rcptTo, String content) {
    }

    private final ServerSocket socket;
    private final boolean lmtp;
    private final Function<String, String> rcptReply;
    final List<Received> received = new CopyOnWriteArrayList<>();

    ScriptedMailServer(boolean lmtp, Function<String, String> rcptReply) throws IOException {
        this(0, lmtp, rcptReply);
    }

    /** On 127.0.0.1:{@code port} (0: any free port). */
    ScriptedMailServer(int port, boolean lmtp, Function<String, String> rcptReply) throws IOException {
        this.socket = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.lmtp = lmtp;
        this.rcptReply = rcptReply;
        Thread t = new Thread(this::serve, "scripted-mail-server");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> session(s), "scripted-mail-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             OutputStream out = s.getOutputStream()) {
            reply(out, "220 sink.test ESMTP");
            String from = null;
            List<String> rcpts = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EHLO") || upper.startsWith("LHLO")) {
                    reply(out, "250-sink.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES");
                } else if (upper.startsWith("HELO")) {
                    reply(out, "250 sink.test");
                } else if (upper.startsWith("MAIL FROM:")) {
                    from = address(line.substring(10));
                    rcpts.clear();
                    reply(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String rcpt = address(line.substring(8));
                    String answer = rcptReply.apply(rcpt);
                    if (answer.startsWith("2")) {
                        rcpts.add(rcpt);
                    }
                    reply(out, answer);
                } else if (upper.equals("DATA")) {
                    reply(out, "354 End data with <CR><LF>.<CR><LF>");
                    StringBuilder content = new StringBuilder();
                    for (String d; (d = in.readLine()) != null && !d.equals("."); ) {
                        content.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
                    }
                    received.add(new Received(from, List.copyOf(rcpts), content.toString()));
                    if (lmtp) {
                        for (String r : rcpts) {
                            reply(out, "250 2.0.0 <" + r + "> delivered");
                        }
                    } else {
                        reply(out, "250 2.0.0 Ok: queued");
                    }
                } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static String address(String arg) {
        String a = arg.strip();
        int close = a.indexOf('>');
        return a.startsWith("<") && close > 0 ? a.substring(1, close) : a.split(" ")[0];
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static final Pattern MESSAGE_ID = Pattern.compile("(?mi)^Message-ID:\\s*<([^>]+)>");

    /**
     * Waits up to {@code millis} until a message with each of {@code messageIds} has arrived;
     * returns those that have not. Each one that has must contain {@code whole} (a torn
     * message fails at once).
     */
    Set<String> awaitMessageIds(Set<String> messageIds, String whole, long millis) throws InterruptedException {
        Set<String> missing = new HashSet<>(messageIds);
        long deadline = System.currentTimeMillis() + millis;
        while (!missing.isEmpty() && System.currentTimeMillis() < deadline) {
            for (Received r : received) {
                Matcher id = MESSAGE_ID.matcher(r.content());
                if (id.find() && missing.remove(id.group(1)) && !r.content().contains(whole)) {
                    throw new AssertionError("message " + id.group(1) + " arrived torn");
                }
            }
            Thread.sleep(200);
        }
        return missing;
    }

    /** How many messages arrived more than once (by Message-ID). */
    long duplicates() {
        return received.size() - received.stream().map(r -> MESSAGE_ID.matcher(r.content()))
                .filter(Matcher::find).map(m -> m.group(1)).distinct().count();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
