// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * SUMMARY   sendmail's last resort: the message goes to $HOME/dead.letter and the exit status is
 *           75 (EX_TEMPFAIL), so that the caller (cron, a web application) knows to retry.
 * DESCRIPTION
 *   Appends what was already sent to Postern and the rest of standard input, created 0600 and
 *   synced. When even that fails the message is lost to this program, and the message says so.
 */
final class DeadLetter {

    private DeadLetter() {
    }

    static int save(InputStream stdin, ByteArrayOutputStream alreadyRead, String reason, PrintStream stderr) {
        Path file = Path.of(System.getProperty("user.home", "/"), "dead.letter");
        try (OutputStream out = Files.newOutputStream(createPrivate(file), StandardOpenOption.APPEND,
                StandardOpenOption.SYNC)) {
            alreadyRead.writeTo(out);
            stdin.transferTo(out);
            out.write('\n');
        } catch (IOException e) {
            stderr.println("sendmail: fatal: " + reason + "; and cannot save the message in " + file + ": " + e);
            return ToolClient.EX_TEMPFAIL;
        }
        stderr.println("sendmail: fatal: " + reason + "; message saved in " + file);
        return ToolClient.EX_TEMPFAIL;
    }

    private static Path createPrivate(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile: append to it
            }
        }
        return file;
    }
}
