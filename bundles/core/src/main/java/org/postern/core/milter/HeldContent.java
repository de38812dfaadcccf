// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.postern.core.config.FileModes;

/**
 * SUMMARY   A message's raw content held until the milters have seen it: in memory up to a
 *           threshold, then in a private temporary file (deleted by {@link #discard}).
 * SECURITY  Content is untrusted; memory is bounded by the threshold; the file is 0600.
 */
final class HeldContent extends OutputStream {

    private static final int THRESHOLD = 256 * 1024;

    private byte[] memory = new byte[8192];
    private int size;
    private Path file;
    private OutputStream fileOut;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && size + len > THRESHOLD) {
            file = Files.createTempFile("postern-milter-", ".msg", FileModes.attribute(FileModes.PRIVATE_FILE));
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            fileOut.write(memory, 0, size);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(b, off, len);
            return;
        }
        if (memory.length < size + len) {
            memory = Arrays.copyOf(memory, Math.max(memory.length * 2, size + len));
        }
        System.arraycopy(b, off, memory, size, len);
        size += len;
    }

    /** Reads what was written so far, from the start. */
    InputStream open() throws IOException {
        if (fileOut == null) {
            return new ByteArrayInputStream(memory == null ? new byte[0] : memory, 0, size);
        }
        fileOut.flush();
        return Files.newInputStream(file);
    }

    /** The message stream's close does not end the message. */
    @Override
    public void close() {
    }

    void discard() {
        memory = null;
        size = 0;
        if (fileOut != null) {
            try {
                fileOut.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover in the temporary directory; nothing else depends on it
            }
            fileOut = null;
        }
    }
}
