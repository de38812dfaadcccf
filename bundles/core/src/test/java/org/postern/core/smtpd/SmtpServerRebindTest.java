// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener whose address is still held (by the listener it replaces after a reload) waits for
 * it within its bind retry; without one, an address in use fails at once, as at start.
 */
class SmtpServerRebindTest {

    @TempDir
    Path tlsDirectory;

    private SmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
    }

    private SmtpServer serverOn(int port) {
        return new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", port), TestConfigs.config(), new ScriptedChecks(),
                new InMemoryQueueStore(), tlsDirectory);
    }

    @Test
    void anAddressReleasedWithinTheRetryIsBound() throws Exception {
        ServerSocket holder = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        int port = holder.getLocalPort();
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(500);
                holder.close();
            } catch (InterruptedException | IOException e) {
                Thread.currentThread().interrupt();
            }
        });
        release.start();
        server = serverOn(port);

        InetSocketAddress bound = server.start(Duration.ofSeconds(10));

        assertThat(bound.getPort()).isEqualTo(port);
        assertThat(holder.isClosed()).as("bound only after the holder let go").isTrue();
        release.join();
    }

    @Test
    void withoutARetryAnAddressInUseFailsAtOnce() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            SmtpServer other = serverOn(holder.getLocalPort());
            assertThatThrownBy(other::start).isInstanceOf(IOException.class).hasMessageContaining("cannot bind");
            other.stop(1, TimeUnit.SECONDS);
        }
    }
}
