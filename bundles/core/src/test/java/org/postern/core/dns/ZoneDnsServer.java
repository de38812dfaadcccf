// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A tiny authoritative-looking DNS server on 127.0.0.1 (UDP) answering from an in-memory zone:
 * real DNS messages on a real socket, so the resolver is tested on the wire.
 */
final class ZoneDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<String, Integer> rcodes = new ConcurrentHashMap<>();
    private volatile boolean authenticated;
    private volatile boolean silent;
    private final Thread thread;

    ZoneDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "zone-dns-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    void add(Record record) {
        records.computeIfAbsent(key(record.getName().toString(), record.getType()), k -> new java.util.ArrayList<>())
                .add(record);
    }

    /** Answers every query for {@code name} with this rcode (NXDOMAIN, SERVFAIL, ...). */
    void rcode(String name, int rcode) {
        rcodes.put(name.toLowerCase(java.util.Locale.ROOT), rcode);
    }

    /** Sets the AD bit in answers, as a validating resolver does for signed zones. */
    void authenticated(boolean ad) {
        authenticated = ad;
    }

    /** Stops answering (a dead name server). */
    void silent(boolean s) {
        silent = s;
    }

    private static String key(String name, int type) {
        return name.toLowerCase(java.util.Locale.ROOT) + "/" + type;
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                if (silent) {
                    continue;
                }
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.RA);
                response.addRecord(question, Section.QUESTION);
                String name = question.getName().toString().toLowerCase(java.util.Locale.ROOT);
                Integer rcode = rcodes.get(name);
                if (rcode != null) {
                    response.getHeader().setRcode(rcode);
                } else {
                    for (Record r : records.getOrDefault(key(name, question.getType()), List.of())) {
                        response.addRecord(r, Section.ANSWER);
                    }
                    if (question.getType() != Type.CNAME) {
                        for (Record r : records.getOrDefault(key(name, Type.CNAME), List.of())) {
                            response.addRecord(r, Section.ANSWER);
                        }
                    }
                    response.getHeader().setRcode(Rcode.NOERROR);
                }
                if (authenticated) {
                    response.getHeader().setFlag(Flags.AD);
                }
                byte[] out = response.toWire();
                socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
