// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LongSocketPathsTest {

    @Test
    void aSocketDeeperThanSunPathIsBoundAndReached(@TempDir Path dir) throws Exception {
        Path deep = Files.createDirectories(dir.resolve("a".repeat(60)).resolve("b".repeat(60)));
        Path socket = deep.resolve("tools");
        assertThat(socket.toString().length()).isGreaterThan(LongSocketPaths.MAX_PATH_BYTES);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            LongSocketPaths.bind(server, socket);
            assertThat(Files.exists(socket)).isTrue();
            LongSocketPaths.connect(client, socket);
            try (SocketChannel accepted = server.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                accepted.read(one);
                assertThat(one.get(0)).isEqualTo((byte) 42);
            }
        }
        try (var links = Files.list(Path.of("/tmp"))) {
            assertThat(links.filter(p -> p.getFileName().toString().startsWith("postern-sock"))
                    .filter(p -> Files.isSymbolicLink(p.resolve("d")))).isEmpty();
        }
    }
}
