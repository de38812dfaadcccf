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
import java.util.regex.Pattern;

import org.postern.testing.RequiredService;

/**
 * The filters of the milter variants: differential-milter.py on Debian's python3-milter, one
 * process per mode, each on its own 127.0.0.1 port, which Postfix and Postern both use. Ports
 * are chosen when the filters start (a port picked earlier may have been taken meanwhile, by
 * a listener or as the local end of a connection); a filter that does not listen is started
 * again on another port. The variants name a filter as {@code @milter:MODE@} ({@link #resolve});
 * "down" is a port nothing listens on.
 */
final class DifferentialMilters {

    static final String PYTHON = "/usr/bin/python3";
    private static final List<String> MODES = List.of("envelope", "connect-reject", "connect-tempfail", "helo-reject");
    private static final Pattern REFERENCE = Pattern.compile("@milter:([a-z-]+)@");
    private static final int ATTEMPTS = 4;
    private static final Map<String, Integer> PORTS = new LinkedHashMap<>();
    private static final Map<String, Process> RUNNING = new LinkedHashMap<>();
    private static Path script;
    private static Path log;

    private DifferentialMilters() {
    }

    /** How a variant names the filter of a mode in its main.cf ("envelope", "connect-reject" ..., "down"). */
    static String reference(String mode) {
        return "@milter:" + mode + "@";
    }

    /** A main.cf line with its filter references replaced by the running filters' endpoints. */
    static synchronized String resolve(String line) {
        return REFERENCE.matcher(line).replaceAll(m -> "inet:127.0.0.1:" + PORTS.get(m.group(1)));
    }

    static boolean isMilterVariant(String variant) {
        return variant.startsWith("milter");
    }

    /** Starts every filter once (the milter variants need them); skips or fails without python3-milter. */
    static synchronized void start() throws IOException, InterruptedException {
        if (!RUNNING.isEmpty()) {
            return;
        }
        RequiredService.assume(available(), "Debian's python3-milter (" + PYTHON + " -c 'import Milter') for the "
                + "milter variants of the differential SMTP tests");
        script = Files.createTempFile("differential-milter", ".py");
        log = Files.createTempFile("differential-milter", ".log");
        try (InputStream in = DifferentialMilters.class.getResourceAsStream("differential-milter.py")) {
            Files.write(script, in.readAllBytes());
        }
        for (String mode : MODES) {
            startListening(mode);
        }
        PORTS.put("down", freePort());
    }

    private static void startListening(String mode) throws IOException, InterruptedException {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int port = freePort();
            Process p = new ProcessBuilder(PYTHON, script.toString(), Integer.toString(port), mode)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.currentTimeMillis() + 20_000;
            while (p.isAlive() && !RequiredService.isListening(port) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            if (p.isAlive() && RequiredService.isListening(port)) {
                PORTS.put(mode, port);
                RUNNING.put(mode, p);
                return;
            }
            end(p);
        }
        stop();
        throw new IOException("differential-milter.py " + mode + " did not listen after " + ATTEMPTS
                + " attempts; its output: " + Files.readString(log));
    }

    static synchronized void stop() {
        RUNNING.values().forEach(DifferentialMilters::end);
        RUNNING.clear();
    }

    private static void end(Process p) {
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
