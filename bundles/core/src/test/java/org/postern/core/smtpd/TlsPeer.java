// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/** Runs a real TLS client (openssl, swaks, gnutls-cli) and collects what it printed. */
final class TlsPeer {

    private TlsPeer() {
    }

    /** Skips (or fails with -Dpostern.itest.requireServices=true) when {@code program} is not installed. */
    static void require(String program, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            found |= Files.isExecutable(Path.of(dir, program));
        }
        RequiredService.assume(found, program + " is not installed (apt-get install " + debianPackage + ")");
    }

    /**
     * Runs {@code command}, feeding it {@code lines} one by one with {@code pauseMillis} between
     * them (a pause lets the peer act on a line before the next), then closes its input and
     * waits at most {@code timeoutSeconds}; returns stdout and stderr together.
     */
    static String run(List<String> command, List<String> lines, long pauseMillis, long timeoutSeconds)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), output));
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            for (String line : lines) {
                Thread.sleep(pauseMillis);
                in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
            Thread.sleep(pauseMillis);
        } catch (IOException e) {
            // the peer is gone: what it printed tells why
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.join(5000);
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }
}
