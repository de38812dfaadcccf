// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.postern.core.config.FileModes;

/**
 * SUMMARY   Holds raw content until commit when the caller did not announce the envelope:
 *           in memory up to a threshold, then in a temporary file (deleted on close).
 * SECURITY  Content is untrusted; memory use is bounded by the threshold. The file (in
 *           java.io.tmpdir, Karaf's data/tmp) is created 0600: it is someone's mail.
 */
final class SpillBuffer extends OutputStream {

    private final int threshold;
    private byte[] memory = new byte[4096];
    private int size;
    private Path file;
    private OutputStream fileOut;

    SpillBuffer(int threshold) {
        this.threshold = threshold;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && size + len > threshold) {
            file = Files.createTempFile("postern-cleanup-", ".spill", FileModes.attribute(FileModes.PRIVATE_FILE));
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

    /** Copies everything written so far to {@code out}. */
    void replayTo(OutputStream out) throws IOException {
        if (fileOut == null) {
            out.write(memory, 0, size);
            return;
        }
        fileOut.flush();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
    }

    /** Closing the content stream does not end the message; {@link #discard()} frees it. */
    @Override
    public void close() {
    }

    void discard() {
        memory = null;
        if (fileOut != null) {
            try {
                fileOut.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                ContentProcessor.LOG.warn("warning: cannot remove {}: {}", file, e.toString());
            }
            fileOut = null;
        }
    }
}
