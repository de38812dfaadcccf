// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a real server or tool: skipped with a clear message on a laptop that lacks
 * it, but failing in CI, which sets -Dpostern.itest.requireServices=true.
 */
public final class RequiredService {

    public static final String REQUIRE_PROPERTY = "postern.itest.requireServices";

    private RequiredService() {
    }

    /** Skips (or fails in CI) unless {@code available}; {@code what} says what is missing and how to get it. */
    public static void assume(boolean available, String what) {
        if (available) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            throw new IllegalStateException(REQUIRE_PROPERTY + "=true but " + what);
        }
        Assumptions.abort("skipped: " + what);
    }

    /** Skips (or fails in CI) unless something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static void assumeListening(int port, String what) {
        assume(isListening(port), what + " is not listening on 127.0.0.1:" + port);
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
