// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.socketmap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real socketmap server for tests, on 127.0.0.1 or a UNIX socket: reads request netstrings and
 * answers with whatever raw bytes the script returns for the request text (null: never answer),
 * so that tests can send malformed replies. It can be stopped and started again on the same address.
 */
final class ScriptedSocketmapServer implements AutoCloseable {

    private final Function<String, byte[]> script;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private SocketAddress address;
    private Closeable listener;

    private ScriptedSocketmapServer(Function<String, byte[]> script) {
        this.script = script;
    }

    static ScriptedSocketmapServer inet(Function<String, byte[]> script) throws IOException {
        ScriptedSocketmapServer server = new ScriptedSocketmapServer(script);
        server.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server.start();
        return server;
    }

    static ScriptedSocketmapServer unix(Path socket, Function<String, byte[]> script) throws IOException {
        ScriptedSocketmapServer server = new ScriptedSocketmapServer(script);
        server.address = UnixDomainSocketAddress.of(socket);
        server.start();
        return server;
    }

    /** A well-formed reply. */
    static byte[] reply(String text) {
        return Netstring.encode(text.getBytes(StandardCharsets.UTF_8));
    }

    int port() {
        return ((InetSocketAddress) address).getPort();
    }

    List<String> requests() {
        return List.copyOf(requests);
    }

    int connections() {
        return connections.get();
    }

    synchronized void start() throws IOException {
        ServerSocketChannel channel;
        if (address instanceof UnixDomainSocketAddress unix) {
            Files.deleteIfExists(unix.getPath());
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        channel.bind(address);
        address = channel.getLocalAddress();
        // Non-blocking accept, polled: a listener closed while a thread blocks in accept() may
        // keep its port until that thread returns, and the test wants the port free at once.
        channel.configureBlocking(false);
        listener = channel;
        acceptInBackground(() -> {
            SocketChannel connection;
            while ((connection = channel.accept()) == null) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            connection.configureBlocking(true);
            return new Connection(Channels.newInputStream(connection), Channels.newOutputStream(connection), connection);
        });
    }

    private record Connection(InputStream in, OutputStream out, Closeable socket) {
    }

    private interface Acceptor {
        Connection accept() throws IOException;
    }

    /** Closes the listener and every connection, like a server that died. */
    synchronized void stop() throws IOException {
        listener.close();
        for (Closeable connection : open) {
            connection.close();
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private void acceptInBackground(Acceptor acceptor) {
        Thread thread = new Thread(() -> {
            while (true) {
                try {
                    Connection connection = acceptor.accept();
                    connections.incrementAndGet();
                    open.add(connection.socket());
                    Thread serving = new Thread(() -> serve(connection), "socketmap-test-connection");
                    serving.setDaemon(true);
                    serving.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "socketmap-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(Connection connection) {
        try (Closeable socket = connection.socket(); InputStream in = new BufferedInputStream(connection.in())) {
            while (true) {
                String request = new String(Netstring.read(in, 100_000), StandardCharsets.UTF_8);
                requests.add(request);
                byte[] answer = script.apply(request);
                if (answer == null) {
                    Thread.sleep(60_000);
                    return;
                }
                connection.out().write(answer);
                connection.out().flush();
            }
        } catch (IOException | InterruptedException e) {
            // client went away, or stop()
        } finally {
            open.remove(connection.socket());
        }
    }
}
