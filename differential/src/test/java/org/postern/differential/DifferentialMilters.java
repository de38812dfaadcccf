// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.postern.testing.RequiredService;

/**
 * The filters of the milter variants: differential-milter.py on Debian's python3-milter, one
 * process per mode, each on its own 127.0.0.1 port, which Postfix and Postern both use. The
 * ports are chosen when the class loads (the variants' main.cf names them); "down" is a port
 * nothing listens on.
 */
final class DifferentialMilters {

    static final String PYTHON = "/usr/bin/python3";
    private static final List<String> MODES = List.of("envelope", "connect-reject", "connect-tempfail", "helo-reject");
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();

    static {
        for (String mode : MODES) {
            PORTS.put(mode, freePort());
        }
        PORTS.put("down", freePort());
    }

    private static Map<String, Process> running = new LinkedHashMap<>();

    private DifferentialMilters() {
    }

    /** The smtpd_milters entry of a mode ("envelope", "connect-reject" ..., or "down"). */
    static String endpoint(String mode) {
        return "inet:127.0.0.1:" + PORTS.get(mode);
    }

    static boolean isMilterVariant(String variant) {
        return variant.startsWith("milter");
    }

    /** Starts every filter once (the milter variants need them); skips or fails without python3-milter. */
    static synchronized void start() throws IOException, InterruptedException {
        if (!running.isEmpty()) {
            return;
        }
        RequiredService.assume(available(), "Debian's python3-milter (" + PYTHON + " -c 'import Milter') for the "
                + "milter variants of the differential SMTP tests");
        Path script = Files.createTempFile("differential-milter", ".py");
        try (InputStream in = DifferentialMilters.class.getResourceAsStream("differential-milter.py")) {
            Files.write(script, in.readAllBytes());
        }
        for (String mode : MODES) {
            Process p = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(PORTS.get(mode)), mode)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            running.put(mode, p);
        }
        for (String mode : MODES) {
            long deadline = System.currentTimeMillis() + 15_000;
            while (!RequiredService.isListening(PORTS.get(mode))) {
                if (!running.get(mode).isAlive() || System.currentTimeMillis() > deadline) {
                    stop();
                    throw new IOException("differential-milter.py " + mode + " did not listen on " + PORTS.get(mode));
                }
                Thread.sleep(50);
            }
        }
    }

    static synchronized void stop() {
        for (Process p : running.values()) {
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        running = new LinkedHashMap<>();
    }

    private static boolean available() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import Milter").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
