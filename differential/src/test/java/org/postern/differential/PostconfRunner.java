// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.Postconf;

/**
 * Runs one postconf command line with Postfix's binary and with Postern's {@link Postconf}, each
 * in its own copy of the same config directory, and returns what each did: exit status,
 * standard output, standard error (sorted: Postfix prints warnings in hash-table order) and
 * the main.cf and master.cf it left behind. The directory's path is masked as {@code <dir>}.
 */
final class PostconfRunner {

    static final Path POSTCONF = Path.of(System.getProperty("postern.itest.postconf", "/usr/sbin/postconf"));

    /** What one implementation did. */
    record Outcome(int status, List<String> out, List<String> err, String mainCf, String masterCf) {

        /** The first line where this and {@code other} differ, "" when they do not. */
        String firstDifference(Outcome other) {
            if (status != other.status) {
                return "exit status " + status;
            }
            String d = firstDifferingLine(out, other.out);
            if (d != null) {
                return "stdout: " + d;
            }
            d = firstDifferingLine(err, other.err);
            if (d != null) {
                return "stderr: " + d;
            }
            d = firstDifferingLine(mainCf.lines().toList(), other.mainCf.lines().toList());
            if (d != null) {
                return "main.cf: " + d;
            }
            d = firstDifferingLine(masterCf.lines().toList(), other.masterCf.lines().toList());
            return d == null ? "" : "master.cf: " + d;
        }

        private static String firstDifferingLine(List<String> mine, List<String> theirs) {
            for (int i = 0; i < Math.max(mine.size(), theirs.size()); i++) {
                if (i >= mine.size() || i >= theirs.size() || !mine.get(i).equals(theirs.get(i))) {
                    return i < mine.size() ? mine.get(i) : "(nothing)";
                }
            }
            return null;
        }

        String describe() {
            return "exit " + status + "\n  stdout: " + String.join("\n          ", out) + "\n  stderr: "
                    + String.join("\n          ", err) + "\n  main.cf: " + mainCf.replace("\n", "\n           ")
                    + "\n  master.cf: " + masterCf.replace("\n", "\n             ");
        }
    }

    private PostconfRunner() {
    }

    static Outcome postfix(PostconfCase c, Path dir) throws IOException, InterruptedException {
        prepare(c, dir);
        List<String> command = new ArrayList<>(List.of(POSTCONF.toString(), "-c", dir.toString()));
        command.addAll(c.args());
        Path errFile = Files.createTempFile("postconf", ".err");
        Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("postconf did not finish: " + command);
        }
        String err = Files.readString(errFile, StandardCharsets.UTF_8);
        Files.delete(errFile);
        return outcome(p.exitValue(), out, err, dir);
    }

    static Outcome postern(PostconfCase c, Path dir) throws IOException {
        prepare(c, dir);
        List<String> args = new ArrayList<>(List.of("-c", dir.toString()));
        args.addAll(c.args());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ConfigEnvironment env = new ConfigEnvironment(Path.of("/etc/postfix"), Path.of("/var/lib/postern"), "vm");
        int status = Postconf.run(Path.of("/etc/postfix"), env, Postconf.CORE_TABLE_TYPES, StandardPlugins.table(), args,
                new PrintWriter(out), new PrintWriter(err));
        return outcome(status, out.toString(), err.toString(), dir);
    }

    private static void prepare(PostconfCase c, Path dir) throws IOException {
        Files.createDirectories(dir);
        write(dir.resolve("main.cf"), c.mainCf());
        write(dir.resolve("master.cf"), c.masterCf());
    }

    private static void write(Path file, String content) throws IOException {
        if (content == null) {
            Files.deleteIfExists(file);
            return;
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
        // Postfix's postconf waits for a file modified in the last two seconds to settle.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    }

    private static Outcome outcome(int status, String out, String err, Path dir) throws IOException {
        String d = dir.toString();
        // Postfix names itself by the path it was started with; Postern says "postconf".
        List<String> errLines = new ArrayList<>(err.replace(d, "<dir>").replace("usage: " + POSTCONF, "usage: postconf")
                .lines()
                .map(line -> line.replaceFirst("^\\S*postconf: ", "postconf: ")).distinct().toList());
        errLines.sort(null);
        return new Outcome(status, out.replace(d, "<dir>").lines().toList(), errLines,
                read(dir.resolve("main.cf")), read(dir.resolve("master.cf")));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(none)";
    }
}
