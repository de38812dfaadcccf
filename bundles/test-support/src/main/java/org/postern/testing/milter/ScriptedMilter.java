// SPDX-License-Identifier: Apache-2.0
package org.postern.testing.milter;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A milter for the tests, written from the protocol's description: it records every packet the
 * MTA sends, byte for byte, and answers as scripted per command (OPTNEG with the version,
 * actions and steps it is given; macros, ABORT and QUIT unanswered; everything else
 * SMFIR_CONTINUE unless a script says otherwise). Listens on 127.0.0.1 (any free port) or on a
 * UNIX-domain socket; each connection is served on its own thread, so a script that blocks
 * holds only its own connection, as a real filter's worker does.
 */
public final class ScriptedMilter implements AutoCloseable {

    /** One packet as sent: command byte and data; {@code connection} counts from 1 in accept order. */
    public record Packet(char command, byte[] data, int connection) {
        public String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocketChannel server;
    private final String endpoint;
    private final Path socketFile;
    public final List<Packet> received = new CopyOnWriteArrayList<>();
    public final Map<Character, Function<Packet, List<byte[]>>> scripts = new ConcurrentHashMap<>();
    public volatile int version = 6;
    public volatile int actions = 0x1FF;
    public volatile int steps = 0;
    /** Extra bytes after the three words of the OPTNEG reply (SETSYMLIST lists). */
    public volatile byte[] optnegTail = new byte[0];
    /** Counted down when the first connection ends. */
    public final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();

    /** On 127.0.0.1, any free port. */
    public ScriptedMilter() throws IOException {
        this(ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50), null);
    }

    private ScriptedMilter(ServerSocketChannel server, Path socketFile) throws IOException {
        this.server = server;
        this.socketFile = socketFile;
        this.endpoint = socketFile != null ? "unix:" + socketFile
                : "inet:127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
        Thread t = new Thread(this::serve, "scripted-milter");
        t.setDaemon(true);
        t.start();
    }

    /** On a UNIX-domain socket at {@code file} (which must not exist yet). */
    public static ScriptedMilter unix(Path file) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(file), 50);
        return new ScriptedMilter(s, file);
    }

    /** As main.cf names it: "inet:127.0.0.1:PORT" or "unix:/path". */
    public String endpoint() {
        return endpoint;
    }

    public ScriptedMilter on(char command, Function<Packet, List<byte[]>> script) {
        scripts.put(command, script);
        return this;
    }

    /** The commands received, in order, e.g. "OCDHM". */
    public String commands() {
        StringBuilder sb = new StringBuilder();
        for (Packet p : received) {
            sb.append(p.command());
        }
        return sb.toString();
    }

    public List<Packet> all(char command) {
        List<Packet> out = new ArrayList<>();
        for (Packet p : received) {
            if (p.command() == command) {
                out.add(p);
            }
        }
        return out;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections that ended so far. */
    public int ended() {
        return ended.get();
    }

    public boolean awaitClosed() throws InterruptedException {
        return closed.await(10, TimeUnit.SECONDS);
    }

    private void serve() {
        while (server.isOpen()) {
            SocketChannel s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed by the test
            }
            int number = connections.incrementAndGet();
            Thread t = new Thread(() -> converse(s, number), "scripted-milter-" + number);
            t.setDaemon(true);
            t.start();
        }
    }

    private void converse(SocketChannel s, int number) {
        try (s) {
            DataInputStream in = new DataInputStream(Channels.newInputStream(s));
            OutputStream out = Channels.newOutputStream(s);
            while (true) {
                int length = in.readInt();
                byte[] all = new byte[length];
                in.readFully(all);
                Packet p = new Packet((char) all[0], java.util.Arrays.copyOfRange(all, 1, all.length), number);
                received.add(p);
                for (byte[] reply : answer(p)) {
                    out.write(reply);
                }
                out.flush();
                if (p.command() == 'Q') {
                    break;
                }
            }
        } catch (EOFException e) {
            // the MTA closed the connection
        } catch (IOException | RuntimeException e) {
            // closed by the test, or a script that hangs up
        } finally {
            ended.incrementAndGet();
            closed.countDown();
        }
    }

    private List<byte[]> answer(Packet p) {
        Function<Packet, List<byte[]>> script = scripts.get(p.command());
        if (script != null) {
            return script.apply(p);
        }
        switch (p.command()) {
            case 'O':
                ByteBuffer b = ByteBuffer.allocate(12 + optnegTail.length).putInt(version).putInt(actions).putInt(steps)
                        .put(optnegTail);
                return List.of(packet('O', b.array()));
            case 'D':
            case 'A':
            case 'Q':
                return List.of();
            default:
                return List.of(packet('c'));
        }
    }

    /** A reply packet: length, command, data. */
    public static byte[] packet(char command, byte[]... data) {
        int n = 0;
        for (byte[] d : data) {
            n += d.length;
        }
        ByteBuffer b = ByteBuffer.allocate(5 + n).putInt(n + 1).put((byte) command);
        for (byte[] d : data) {
            b.put(d);
        }
        return b.array();
    }

    /** NUL-terminated strings. */
    public static byte[] z(String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        return out.toByteArray();
    }

    public static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    /** The macros of one SMFIC_MACRO packet, name to value (the first byte is the command they belong to). */
    public static Map<String, String> macros(Packet p) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        String[] parts = new String(p.data(), 1, p.data().length - 1, StandardCharsets.UTF_8).split("\0", -1);
        for (int i = 0; i + 1 < parts.length; i += 2) {
            m.put(parts[i], parts[i + 1]);
        }
        return m;
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (socketFile != null) {
            Files.deleteIfExists(socketFile);
        }
    }
}
