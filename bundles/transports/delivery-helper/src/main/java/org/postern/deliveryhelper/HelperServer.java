// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import org.postern.transport.delivery.privileged.HelperProtocol;
import org.postern.transport.delivery.privileged.HelperProtocol.Reply;
import org.postern.transport.delivery.privileged.HelperProtocol.Request;
import org.postern.transport.delivery.privileged.MessageChunks;

/**
 * SUMMARY   The helper's socket: binds it, admits Postern's user only, serves one request
 *           per connection.
 * DESCRIPTION
 *   The socket's directory is created when missing (mode 0711, root's; its parent must
 *   exist); an existing one must
 *   be a real directory that only its owner (root) can write. A stale socket file is removed,
 *   the socket bound, given to Postern's user and set to mode 0600. Each accepted connection
 *   is checked with SO_PEERCRED ({@link PeerPolicy}); a refused one is logged and closed
 *   without a word. A served connection's request is read, its message spooled to a private
 *   temporary file (so that the client can always finish sending, whatever the command
 *   does with its input), handled ({@link RequestHandler}) and answered.
 * SECURITY  Requests come from the JVM that parses mail: malformed ones end the connection
 *   ({@link HelperProtocol} bounds every field).
 * BUGS      The socket's directory usually sits in the data directory, which Postern's user
 *   owns: it could rename the directory away while the helper starts and have the socket
 *   bound elsewhere (a socket file named as configured, owned by Postern's user).
 */
final class HelperServer implements AutoCloseable {

    private final Path socket;
    private final PeerPolicy peers;
    private final RequestHandler handler;
    private final ExecutorService workers;
    private final AtomicLong refused = new AtomicLong();
    private ServerSocketChannel server;

    HelperServer(Path socket, PeerPolicy peers, RequestHandler handler, int maxConnections) {
        this.socket = socket.toAbsolutePath();
        this.peers = peers;
        this.handler = handler;
        this.workers = Executors.newFixedThreadPool(maxConnections, r -> {
            Thread t = new Thread(r, "postern-delivery-helper-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The longest socket path the kernel takes (sun_path is 108 bytes with the final NUL). */
    static final int MAX_PATH_BYTES = 107;

    /** Prepares the directory and binds the socket. */
    void bind() throws IOException {
        int length = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (length > MAX_PATH_BYTES) {
            throw new IOException("socket path " + socket + " is " + length + " bytes long; UNIX-domain sockets take "
                    + MAX_PATH_BYTES + " at most: install Postern in a shorter directory or set --socket"
                    + " (and delivery_helper_socket) to a shorter path");
        }
        Path dir = socket.getParent();
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dir); // its parent must exist: creating it as root would take it from Postern
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
        if (!Boolean.TRUE.equals(a.get("isDirectory"))) {
            throw new IOException(dir + " is not a directory");
        }
        if ((Integer) a.get("uid") != 0 || ((Integer) a.get("mode") & 0022) != 0) {
            throw new IOException(dir + " must belong to root and be writable by root only");
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (!Boolean.TRUE.equals(Files.getAttribute(socket, "isOther", LinkOption.NOFOLLOW_LINKS))) {
                throw new IOException(socket + " exists and is not a socket");
            }
            Files.delete(socket);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        view.setOwner(peers.allowed());
        // chmod(2) by name: fchmod on an O_NOFOLLOW descriptor does not work for sockets, and
        // the directory, root's and writable by root only, holds no link to follow.
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        HelperLog.info("listening on " + socket + " for user " + peers.allowed().getName());
    }

    /** Accepts connections until the socket is closed. */
    void serve() throws IOException {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (java.nio.channels.AsynchronousCloseException e) {
                return;
            }
            UnixDomainPrincipal peer;
            try {
                peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            } catch (IOException | UnsupportedOperationException e) {
                peer = null;
            }
            if (!peers.allows(peer)) {
                refused.incrementAndGet();
                HelperLog.warning("refused connection from user "
                        + (peer == null ? "unknown" : peer.user().getName()) + ": only "
                        + peers.allowed().getName() + " is served");
                channel.close();
                continue;
            }
            workers.execute(() -> serveOne(channel));
        }
    }

    /** How many connections were refused so far. */
    long refusedConnections() {
        return refused.get();
    }

    private void serveOne(SocketChannel channel) {
        Path message = null;
        try (channel) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 65536));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
            Request request = HelperProtocol.readRequest(in);
            if (request.carriesMessage()) {
                message = Files.createTempFile("postern-delivery-helper", ".msg");
                try (OutputStream file = Files.newOutputStream(message)) {
                    MessageChunks.copy(in, file);
                }
            }
            Reply reply = handler.handle(request, message);
            HelperProtocol.writeReply(out, reply);
            if (reply instanceof HelperProtocol.Refused r) {
                HelperLog.warning("refused request for user " + HelperLog.printable(request.as().name()) + ": "
                        + HelperLog.printable(r.reason()));
            }
        } catch (IOException e) {
            HelperLog.warning("connection ended: " + HelperLog.printable(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (message != null) {
                try {
                    Files.deleteIfExists(message);
                } catch (IOException e) {
                    HelperLog.warning("cannot remove " + message + ": " + e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        workers.shutdownNow();
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(socket);
    }
}
