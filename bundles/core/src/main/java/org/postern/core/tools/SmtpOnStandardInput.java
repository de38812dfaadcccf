// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * SUMMARY   sendmail -bs: an SMTP dialogue on standard input and output.
 * DESCRIPTION
 *   Relays the caller's lines to the first smtpd listener of master.cf (over loopback when it
 *   listens on every address) and the replies back, in lock step: each command waits for its
 *   reply, as a client that does not pipeline, so input piped in all at once (a script's
 *   here-document) meets the SMTP server's synchronization rules; message content after a 354
 *   goes through line by line until the "." line. Lines may end in LF or CRLF; they reach the
 *   server with CRLF. The dialogue ends after QUIT's reply, when the server closes, or at the
 *   end of the input.
 * SECURITY  Gives the caller nothing more than a connection to the loopback listener, which
 *   every local user can open anyway.
 * BUGS      The session is a loopback SMTP client's, not Postfix's stand-alone smtpd with the
 *   caller's uid: the submitter is not recorded and local_login_sender_maps does not apply.
 */
final class SmtpOnStandardInput {

    private final Supplier<List<String>> listeners;

    /** @param listeners the bound smtpd addresses, "host:port", in master.cf order */
    SmtpOnStandardInput(Supplier<List<String>> listeners) {
        this.listeners = listeners;
    }

    int run(ToolCall call) {
        List<String> bound = listeners.get();
        if (bound.isEmpty()) {
            call.err().println("sendmail: fatal: -bs: no SMTP listener is running (see master.cf)");
            return 75;
        }
        InetSocketAddress target = loopbackFor(bound.get(0));
        try (Socket smtp = new Socket(target.getAddress(), target.getPort())) {
            InputStream server = new BufferedInputStream(smtp.getInputStream());
            OutputStream toServer = smtp.getOutputStream();
            OutputStream out = call.rawOut();
            InputStream in = new BufferedInputStream(call.stdin());
            String reply = relayReply(server, out);
            boolean content = false;
            for (byte[] line = readLine(in); line != null && reply != null; line = readLine(in)) {
                toServer.write(line);
                toServer.write('\r');
                toServer.write('\n');
                toServer.flush();
                String text = new String(line, StandardCharsets.US_ASCII);
                if (content && !text.equals(".")) {
                    continue;
                }
                content = false;
                reply = relayReply(server, out);
                if (reply != null && reply.startsWith("354")) {
                    content = true;
                } else if (text.regionMatches(true, 0, "QUIT", 0, 4)) {
                    break;
                }
            }
            return 0;
        } catch (IOException e) {
            call.err().println("sendmail: fatal: -bs: " + target + ": " + e.getMessage());
            return 75;
        }
    }

    /** Copies one reply (up to its last line, "NNN text") to the caller; null when the server closed. */
    private static String relayReply(InputStream server, OutputStream out) throws IOException {
        while (true) {
            byte[] line = readLine(server);
            if (line == null) {
                return null;
            }
            out.write(line);
            out.write('\r');
            out.write('\n');
            out.flush();
            String text = new String(line, StandardCharsets.US_ASCII);
            if (text.length() < 4 || text.charAt(3) != '-') {
                return text;
            }
        }
    }

    /** One line without its LF or CRLF; null at the end of the stream (a last line without LF counts). */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0) {
            return null;
        }
        while (b >= 0 && b != '\n') {
            line.write(b);
            b = in.read();
        }
        byte[] bytes = line.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            return Arrays.copyOf(bytes, n - 1);
        }
        return bytes;
    }

    /** "0.0.0.0:25" or "0:0:0:0:0:0:0:0:25" (every address) is reached on loopback. */
    static InetSocketAddress loopbackFor(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        } else if (host.equals("0:0:0:0:0:0:0:0") || host.equals("::")) {
            host = "::1";
        }
        return new InetSocketAddress(host, port);
    }
}
