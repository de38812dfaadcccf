// SPDX-License-Identifier: Apache-2.0
package org.postern.milter;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A milter for the tests, written from the protocol's description: it records every packet the
 * MTA sends, byte for byte, and answers as scripted per command (OPTNEG with the version,
 * actions and steps it is given; macros, ABORT and QUIT unanswered; everything else
 * SMFIR_CONTINUE unless a script says otherwise). Listens on 127.0.0.1, any free port.
 */
final class ScriptedMilter implements AutoCloseable {

    /** One packet as sent: command byte and data. */
    record Packet(char command, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.ISO_8859_1);
        }
    }

    private final ServerSocket server;
    final List<Packet> received = new CopyOnWriteArrayList<>();
    final Map<Character, Function<Packet, List<byte[]>>> scripts = new HashMap<>();
    volatile int version = 6;
    volatile int actions = 0x1FF;
    volatile int steps = 0;
    /** Extra bytes after the three words of the OPTNEG reply (SETSYMLIST lists). */
    volatile byte[] optnegTail = new byte[0];
    final CountDownLatch closed = new CountDownLatch(1);
    volatile int connections;

    ScriptedMilter() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "scripted-milter");
        t.setDaemon(true);
        t.start();
    }

    String endpoint() {
        return "inet:127.0.0.1:" + server.getLocalPort();
    }

    ScriptedMilter on(char command, Function<Packet, List<byte[]>> script) {
        scripts.put(command, script);
        return this;
    }

    /** The commands received, in order, e.g. "OCDHM". */
    String commands() {
        StringBuilder sb = new StringBuilder();
        for (Packet p : received) {
            sb.append(p.command());
        }
        return sb.toString();
    }

    List<Packet> all(char command) {
        List<Packet> out = new ArrayList<>();
        for (Packet p : received) {
            if (p.command() == command) {
                out.add(p);
            }
        }
        return out;
    }

    boolean awaitClosed() throws InterruptedException {
        return closed.await(10, TimeUnit.SECONDS);
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections++;
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    int length = in.readInt();
                    byte[] all = new byte[length];
                    in.readFully(all);
                    Packet p = new Packet((char) all[0], java.util.Arrays.copyOfRange(all, 1, all.length));
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
            } catch (IOException e) {
                // closed by the test
            } finally {
                closed.countDown();
            }
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
    static byte[] packet(char command, byte[]... data) {
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
    static byte[] z(String... values) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.ISO_8859_1));
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] int32(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

}
