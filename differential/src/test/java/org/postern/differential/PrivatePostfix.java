// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SUMMARY   A private Postfix instance for differential tests: its own config directory, queue
 *           and mail log under one directory, smtpd on 127.0.0.1 only, every transport discard:.
 * DESCRIPTION
 *   Started with "postfix -c DIR start" (Debian's package; the machine's own instance and its
 *   /etc/postfix are never touched). A watchdog shell stops the instance if this JVM dies
 *   without closing it, so no Postfix outlives the test run.
 * SECURITY  Needs root (Postfix's master starts as root and drops to the postfix user). Listens
 *           on 127.0.0.1 and delivers nothing: default, local, virtual and relay transports are
 *           all discard.
 */
final class PrivatePostfix implements AutoCloseable {

    static final Path POSTFIX = Path.of("/usr/sbin/postfix");

    /** master.cf services smtpd needs behind it; chroot off (no jail to populate). */
    private static final List<String> MASTER_CF = List.of(
            "cleanup   unix  n - n - 0 cleanup",
            "qmgr      unix  n - n 300 1 qmgr",
            "pickup    unix  n - n 60 1 pickup",
            "rewrite   unix  - - n - - trivial-rewrite",
            "bounce    unix  - - n - 0 bounce",
            "defer     unix  - - n - 0 bounce",
            "trace     unix  - - n - 0 bounce",
            "verify    unix  - - n - 1 verify",
            "flush     unix  n - n 1000? 0 flush",
            "proxymap  unix  - - n - - proxymap",
            "scache    unix  - - n - 1 scache",
            "anvil     unix  - - n - 1 anvil",
            "discard   unix  - - n - - discard",
            "error     unix  - - n - - error",
            "retry     unix  - - n - - error",
            "postlog   unix-dgram n - n - 1 postlogd");

    private final Path etc;
    private final Path queue;
    private final Path maillog;
    private final InetSocketAddress address;
    private final Process watchdog;

    private PrivatePostfix(Path etc, Path queue, Path maillog, InetSocketAddress address, Process watchdog) {
        this.etc = etc;
        this.queue = queue;
        this.maillog = maillog;
        this.address = address;
        this.watchdog = watchdog;
    }

    static boolean available() {
        return Files.isExecutable(POSTFIX) && "root".equals(System.getProperty("user.name"));
    }

    /** Starts an instance under {@code directory} whose main.cf is {@code mainCf} plus its own paths. */
    static PrivatePostfix start(Path directory, List<String> mainCf) throws IOException, InterruptedException {
        // The postfix user must be able to walk down to its queue.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Path queue = Files.createDirectories(directory.resolve("queue"));
        Path data = Files.createDirectories(directory.resolve("data"));
        Path maillog = directory.resolve("maillog");
        run("chown", "postfix", data.toString());
        int port = freePort();
        List<String> main = new ArrayList<>(mainCf);
        main.addAll(List.of("config_directory = " + etc, "queue_directory = " + queue, "data_directory = " + data,
                "maillog_file = " + maillog, "maillog_file_prefixes = " + directory));
        Files.write(etc.resolve("main.cf"), main);
        List<String> master = new ArrayList<>();
        master.add("127.0.0.1:" + port + " inet n - n - - smtpd");
        master.addAll(MASTER_CF);
        Files.write(etc.resolve("master.cf"), master);
        Process watchdog = new ProcessBuilder("sh", "-c", "while kill -0 " + ProcessHandle.current().pid()
                + " 2>/dev/null; do sleep 2; done; " + POSTFIX + " -c " + etc + " stop")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        PrivatePostfix instance = new PrivatePostfix(etc, queue, maillog, new InetSocketAddress("127.0.0.1", port), watchdog);
        try {
            run(POSTFIX.toString(), "-c", etc.toString(), "start");
            instance.awaitListening();
            return instance;
        } catch (IOException | RuntimeException e) {
            instance.close();
            throw new IOException(e.getMessage() + "\n" + instance.logTail(), e);
        }
    }

    InetSocketAddress address() {
        return address;
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(maillog, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no mail log: " + e + ")";
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(address, 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("Postfix did not listen on " + address + " within 30 s");
    }

    @Override
    public void close() {
        try {
            run(POSTFIX.toString(), "-c", etc.toString(), "stop");
        } catch (IOException | RuntimeException | InterruptedException e) {
            System.err.println("warning: stopping the private Postfix in " + etc + ": " + e.getMessage()
                    + "; killing its master");
            killMaster();
        } finally {
            watchdog.destroy();
        }
    }

    /** The last resort when "postfix stop" fails or hangs: the master and its children, by PID file. */
    private void killMaster() {
        try {
            long pid = Long.parseLong(Files.readString(queue.resolve("pid/master.pid")).strip());
            ProcessHandle.of(pid).ifPresent(master -> {
                master.descendants().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly();
            });
        } catch (IOException | NumberFormatException e) {
            System.err.println("warning: no master PID for " + etc + ": " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Runs a command to its end, 60 s at most. The output goes to a file, not a pipe, so that a
     * hung command (a postfix-script blocked on its log socket, seen here) cannot hang the test.
     */
    private static void run(String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("postfix-command", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": did not finish in 60 s");
            }
            String output = Files.readString(out, StandardCharsets.ISO_8859_1);
            checkExit(command, p.exitValue(), output);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void checkExit(String[] command, int exit, String output) throws IOException {
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + exit + ": " + output.strip());
        }
    }
}
