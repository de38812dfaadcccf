// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plays a {@link Dialogue} over a raw socket and records each reply, normalised where Postfix's
 * text varies by run (queue IDs). A step marked as content is only sent after a 354.
 */
final class DialoguePlayer {

    /** Long enough for a loaded CI machine; a dialogue expecting the right number of replies never waits it out. */
    private static final int REPLY_TIMEOUT_MS = 10_000;
    private static final Pattern QUEUE_ID = Pattern.compile("queued as [0-9A-Za-z]+");
    static final String CLOSED = "<connection closed>";
    static final String TIMEOUT = "<no reply within " + REPLY_TIMEOUT_MS + " ms>";

    private DialoguePlayer() {
    }

    /** One line per reply: what was sent, then the reply with its lines joined by " / ". */
    static List<String> play(Dialogue dialogue, InetSocketAddress server) throws IOException {
        List<String> transcript = new ArrayList<>();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(dialogue.client()), 0));
            socket.connect(server, 5000);
            socket.setSoTimeout(REPLY_TIMEOUT_MS);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            String last = reply(in);
            transcript.add("(greeting) -> " + last);
            for (Dialogue.Step step : dialogue.steps()) {
                if (last.equals(CLOSED) || last.equals(TIMEOUT)) {
                    break;
                }
                if (step.content() && !last.startsWith("354")) {
                    transcript.add(step.shown() + " -> (not sent: no 354)");
                    continue;
                }
                try {
                    out.write(step.bytes());
                    out.flush();
                } catch (IOException e) {
                    transcript.add(step.shown() + " -> " + CLOSED);
                    break;
                }
                for (int i = 0; i < step.replies(); i++) {
                    last = reply(in);
                    transcript.add((i == 0 ? step.shown() : "  (pipelined reply " + (i + 1) + ")") + " -> " + last);
                    if (last.equals(CLOSED) || last.equals(TIMEOUT)) {
                        break;
                    }
                }
                // Replies beyond the expected count (a line the server read as a command) already
                // arrived with the others; read them now, or a reset connection would lose them.
                while (!last.equals(CLOSED) && !last.equals(TIMEOUT) && in.available() > 0) {
                    last = reply(in);
                    transcript.add("  (extra reply) -> " + last);
                }
            }
        }
        return transcript;
    }

    /** A whole reply (continuation lines included), normalised, or CLOSED / TIMEOUT. */
    private static String reply(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line;
            try {
                line = readLine(in);
            } catch (SocketTimeoutException e) {
                return TIMEOUT;
            } catch (IOException e) {
                return CLOSED;
            }
            if (line == null) {
                return lines.isEmpty() ? CLOSED : String.join(" / ", lines) + " / " + CLOSED;
            }
            lines.add(QUEUE_ID.matcher(line).replaceAll("queued as <queue id>"));
            if (line.length() < 4 || line.charAt(3) != '-') {
                return String.join(" / ", lines);
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }
}
