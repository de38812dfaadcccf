// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * SUMMARY   Binds and connects UNIX sockets whose path is longer than sockaddr_un allows.
 * DESCRIPTION
 *   A socket path may have about 107 bytes; a distribution unpacked deep in a build tree
 *   has a longer one. The kernel applies the limit to the name given, not to the directory it
 *   resolves to, so a longer path is reached through a symbolic link to its directory, made for
 *   the moment of the call in a fresh private (0700) temporary directory of the caller's own.
 * SECURITY  The link lives in a directory only this process's user can write, and is removed
 *           after the call: nobody else can redirect it.
 */
final class LongSocketPaths {

    /**
     * sun_path is 108 bytes with its terminating NUL, but Java 17 already refuses a 107-byte
     * path ("Unix domain path too long", seen in CI): longer than this goes through a link.
     */
    static final int MAX_PATH_BYTES = 100;

    private LongSocketPaths() {
    }

    static void bind(ServerSocketChannel server, Path socket) throws IOException {
        if (fits(socket)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            return;
        }
        Path link = linkTo(socket.getParent());
        try {
            server.bind(UnixDomainSocketAddress.of(link.resolve(socket.getFileName())));
        } finally {
            removeLink(link);
        }
    }

    static void connect(SocketChannel channel, Path socket) throws IOException {
        if (fits(socket)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return;
        }
        Path link = linkTo(socket.getParent());
        try {
            channel.connect(UnixDomainSocketAddress.of(link.resolve(socket.getFileName())));
        } finally {
            removeLink(link);
        }
    }

    private static boolean fits(Path socket) {
        return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }

    private static Path linkTo(Path directory) throws IOException {
        // /tmp, not java.io.tmpdir: in Karaf that is data/tmp, as deep as the socket itself
        Path privateDir = Files.createTempDirectory(Path.of("/tmp"), "postern-sock");   // 0700, ours
        return Files.createSymbolicLink(privateDir.resolve("d"), directory);
    }

    private static void removeLink(Path link) throws IOException {
        Files.deleteIfExists(link);
        Files.deleteIfExists(link.getParent());
    }
}
