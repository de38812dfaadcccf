// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An SMTP or LMTP server on a real socket (TCP or UNIX-domain) that answers from a script:
 * fixed replies per command verb, replies per recipient, silence (for timeouts), STARTTLS
 * with a given server context. It records connections, commands, messages as received
 * (still dot-stuffed) and whether commands arrived pipelined.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    /** What the server says. Verbs: GREETING, EHLO, LHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA, DOT, RSET, QUIT. */
    static final class Script {
        boolean lmtp;
        List<String> extensions = new ArrayList<>(List.of("PIPELINING", "SIZE 10240000", "8BITMIME", "DSN",
                "SMTPUTF8", "ENHANCEDSTATUSCODES"));
        final Map<String, String> replies = new HashMap<>();
        Function<String, String> rcptReply = address -> "250 2.1.5 Ok";
        /** LMTP: the reply after the content for each accepted recipient. */
        Function<String, String> lmtpDotReply = address -> "250 2.0.0 <" + address + "> delivered";
        /** After this verb arrives, the server reads on but never replies. */
        String silentAfter;
        SSLContext tls;
        /** TLS from the first byte (smtps), with {@link #tls}. */
        boolean wrapper;
        /** Replies to AUTH, in order: after each "334" the next client line is read (and recorded). Empty: 502. */
        List<String> authReplies = new ArrayList<>();

        Script lmtp() {
            lmtp = true;
            return this;
        }

        Script reply(String verb, String reply) {
            replies.put(verb, reply);
            return this;
        }

        Script without(String extension) {
            extensions.removeIf(e -> e.split(" ")[0].equalsIgnoreCase(extension));
            return this;
        }
    }

    private final Script script;
    private final Closeable listener;
    private final int port;
    private final Thread acceptor;
    private final List<Closeable> open = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final AtomicBoolean pipelinedMail = new AtomicBoolean();
    final AtomicBoolean tlsUsed = new AtomicBoolean();
    /** Per TLS session: the protocol, and the SNI name the client sent ("" for none). */
    final List<String> tlsProtocols = new CopyOnWriteArrayList<>();
    final List<String> serverNames = new CopyOnWriteArrayList<>();

    private ScriptedSmtpServer(Script script, Closeable listener, int port, Runnable acceptLoop) {
        this.script = script;
        this.listener = listener;
        this.port = port;
        this.acceptor = new Thread(acceptLoop, "scripted-smtp-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static ScriptedSmtpServer tcp(Script script) throws IOException {
        return tcp(script, InetAddress.getLoopbackAddress(), 0);
    }

    static ScriptedSmtpServer tcp(Script script, InetAddress address, int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port));
        ScriptedSmtpServer[] self = new ScriptedSmtpServer[1];
        self[0] = new ScriptedSmtpServer(script, server, server.getLocalPort(), () -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    self[0].serve(s, s.getInputStream(), s.getOutputStream());
                } catch (IOException e) {
                    return;
                }
            }
        });
        return self[0];
    }

    static ScriptedSmtpServer unix(Script script, Path path) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        ScriptedSmtpServer[] self = new ScriptedSmtpServer[1];
        self[0] = new ScriptedSmtpServer(script, server, -1, () -> {
            while (server.isOpen()) {
                try {
                    SocketChannel c = server.accept();
                    self[0].serve(c, Channels.newInputStream(c), Channels.newOutputStream(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return self[0];
    }

    int port() {
        return port;
    }

    /** The commands seen, in order, over all connections. */
    List<String> verbs() {
        return commands.stream().map(c -> c.split(" ")[0].toUpperCase(Locale.ROOT)).toList();
    }

    String lastMessage() {
        return new String(messages.get(messages.size() - 1), StandardCharsets.UTF_8);
    }

    private void serve(Closeable connection, InputStream in, OutputStream out) {
        connections.incrementAndGet();
        open.add(connection);
        Thread t = new Thread(() -> {
            try (connection) {
                new Conversation(connection, in, out).run();
            } catch (IOException e) {
                // client went away
            }
        }, "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
    }

    private final class Conversation {
        private final Closeable connection;
        private InputStream in;
        private OutputStream out;
        private boolean silent;
        /** This connection is TLS-protected ({@link #tlsUsed} says whether any connection was). */
        private boolean secured;
        private final List<String> accepted = new ArrayList<>();

        Conversation(Closeable connection, InputStream in, OutputStream out) {
            this.connection = connection;
            this.in = new BufferedInputStream(in);
            this.out = out;
        }

        void run() throws IOException {
            if (script.wrapper) {
                secure();
            }
            if ("GREETING".equals(script.silentAfter)) {
                silent = true;
            } else if (!send(script.replies.getOrDefault("GREETING", "220 scripted ESMTP"))) {
                return;
            }
            String line;
            while ((line = readLine()) != null) {
                commands.add(line);
                String verb = line.split(" ")[0].toUpperCase(Locale.ROOT);
                if (verb.equals("MAIL")) {
                    pause();
                    pipelinedMail.set(in.available() > 0);
                }
                if (silent) {
                    continue;
                }
                if (verb.equals(script.silentAfter)) {
                    silent = true;
                    continue;
                }
                if (!answer(verb, line)) {
                    return;
                }
            }
        }

        /** The server side of a TLS handshake on this connection; what the client asked for is recorded. */
        private void secure() throws IOException {
            Socket plain = (Socket) connection;
            SSLSocket tls = (SSLSocket) script.tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            tlsUsed.set(true);
            secured = true;
            open.add(tls);
            tlsProtocols.add(tls.getSession().getProtocol());
            List<javax.net.ssl.SNIServerName> names = ((javax.net.ssl.ExtendedSSLSession) tls.getSession())
                    .getRequestedServerNames();
            serverNames.add(names.isEmpty() ? "" : ((javax.net.ssl.SNIHostName) names.get(0)).getAsciiName());
            in = new BufferedInputStream(tls.getInputStream());
            out = tls.getOutputStream();
        }

        /** False when the conversation ends (421 or QUIT). */
        private boolean answer(String verb, String line) throws IOException {
            String override = script.replies.get(verb);
            switch (verb) {
                case "EHLO", "LHLO" -> {
                    if (override != null) {
                        return send(override);
                    }
                    List<String> ext = new ArrayList<>(script.extensions);
                    if (script.tls != null && !secured) {
                        ext.add("STARTTLS");
                    }
                    StringBuilder b = new StringBuilder("250-scripted.example");
                    for (int i = 0; i < ext.size(); i++) {
                        b.append("\r\n250").append(i == ext.size() - 1 ? ' ' : '-').append(ext.get(i));
                    }
                    if (ext.isEmpty()) {
                        b.setCharAt(3, ' ');
                    }
                    return send(b.toString());
                }
                case "STARTTLS" -> {
                    if (override != null || script.tls == null) {
                        return send(override != null ? override : "502 5.5.1 no TLS");
                    }
                    send("220 2.0.0 Ready to start TLS");
                    secure();
                    return true;
                }
                case "MAIL" -> {
                    accepted.clear();
                    return send(override != null ? override : "250 2.1.0 Ok");
                }
                case "RCPT" -> {
                    String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                    String reply = override != null ? override : script.rcptReply.apply(address);
                    if (reply.startsWith("2")) {
                        accepted.add(address);
                    }
                    return send(reply);
                }
                case "DATA" -> {
                    String reply = override != null ? override : "354 End data with <CR><LF>.<CR><LF>";
                    if (!send(reply)) {
                        return false;
                    }
                    if (!reply.startsWith("354")) {
                        return true;
                    }
                    messages.add(readData());
                    commands.add(".");
                    if (".".equals(script.silentAfter)) {
                        silent = true;
                        return true;
                    }
                    if (script.lmtp && script.replies.get("DOT") == null) {
                        for (String a : accepted) {
                            if (!send(script.lmtpDotReply.apply(a))) {
                                return false;
                            }
                        }
                        return true;
                    }
                    return send(script.replies.getOrDefault("DOT", "250 2.0.0 Ok: queued as 4TEST"));
                }
                case "QUIT" -> {
                    send(override != null ? override : "221 2.0.0 Bye");
                    return false;
                }
                case "AUTH" -> {
                    if (script.authReplies.isEmpty()) {
                        return send("502 5.5.1 AUTH not supported");
                    }
                    for (String reply : script.authReplies) {
                        if (!send(reply)) {
                            return false;
                        }
                        if (!reply.startsWith("334")) {
                            return true;
                        }
                        String response = readLine();
                        if (response == null) {
                            return false;
                        }
                        commands.add(response);
                    }
                    return true;
                }
                case "HELO" -> {
                    return send(override != null ? override : "250 scripted.example");
                }
                case "RSET", "NOOP" -> {
                    return send(override != null ? override : "250 2.0.0 Ok");
                }
                default -> {
                    return send("502 5.5.2 Error: command not recognized");
                }
            }
        }

        private void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Writes a reply; false after a 421 (the server then hangs up, as RFC 5321 says). */
        private boolean send(String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (reply.startsWith("421")) {
                connection.close();
                return false;
            }
            return true;
        }

        private byte[] readData() throws IOException {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            String line;
            while ((line = readLineRaw(data)) != null && !line.equals(".")) {
                // collected in data
            }
            byte[] all = data.toByteArray();
            return java.util.Arrays.copyOf(all, Math.max(0, all.length - 3));
        }

        private String readLine() throws IOException {
            return readLineRaw(new ByteArrayOutputStream());
        }

        /** One line (appended raw, CRLF included, to {@code sink}); null at end of stream. */
        private String readLineRaw(ByteArrayOutputStream sink) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                sink.write(c);
                if (c == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                line.write(c);
            }
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
