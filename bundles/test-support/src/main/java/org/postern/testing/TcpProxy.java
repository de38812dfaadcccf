// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on 127.0.0.1 in front of a real server, so that a test can make the
 * server "die" mid-test without stopping a shared service: {@link #cut()} drops every
 * connection and refuses new ones; {@link #blackhole()} accepts and never answers (to
 * exercise timeouts); {@link #restore()} forwards again.
 */
public final class TcpProxy implements AutoCloseable {

    private enum Mode { FORWARD, REFUSE, BLACKHOLE }

    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final int port;
    private volatile ServerSocket server;
    private volatile Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    public TcpProxy(String host, int targetPort) throws IOException {
        this.target = new InetSocketAddress(host, targetPort);
        this.server = listen(0);
        this.port = server.getLocalPort();
        startAccepting(server);
    }

    /** The port clients should use instead of the server's. */
    public int port() {
        return port;
    }

    /** Drops every connection and refuses new ones, like a stopped server. */
    public synchronized void cut() throws IOException {
        mode = Mode.REFUSE;
        server.close();
        dropAll();
    }

    /** Drops every connection; new ones are accepted and never answered, like a hung server. */
    public synchronized void blackhole() throws IOException {
        dropAll();
        mode = Mode.BLACKHOLE;
        reopen();
    }

    /** Forwards again. */
    public synchronized void restore() throws IOException {
        mode = Mode.FORWARD;
        reopen();
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        server.close();
        dropAll();
    }

    private void reopen() throws IOException {
        if (server.isClosed()) {
            server = listen(port);
            startAccepting(server);
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    private void dropAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    private void startAccepting(ServerSocket listener) {
        Thread thread = new Thread(() -> acceptLoop(listener), "tcp-proxy-" + port);
        thread.setDaemon(true);
        thread.start();
    }

    private void acceptLoop(ServerSocket listener) {
        while (!closed && !listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                if (mode == Mode.FORWARD) {
                    Socket upstream = new Socket();
                    upstream.connect(target, 5000);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                }
            } catch (IOException e) {
                // listener closed by cut()/close(), or the target refused: the client sees a drop
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
