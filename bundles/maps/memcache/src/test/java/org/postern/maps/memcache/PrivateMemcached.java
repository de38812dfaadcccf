// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/** A memcached of the test's own on a free 127.0.0.1 port; killed and restarted on the same port at will. */
final class PrivateMemcached implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/memcached");

    private final int port;
    private Process process;

    PrivateMemcached() throws IOException {
        RequiredService.assume(Files.isExecutable(BINARY), "memcached is not installed (apt install memcached)");
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        start();
    }

    int port() {
        return port;
    }

    void start() throws IOException {
        process = new ProcessBuilder(BINARY.toString(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0",
                "-u", System.getProperty("user.name")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!RequiredService.isListening(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IOException("memcached did not start on port " + port);
            }
            sleep(50);
        }
    }

    /** Kills the server, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
