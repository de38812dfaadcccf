// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

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
 * SUMMARY   Holds raw content until it can be used (cleanup: until commit when the caller did not
 *           announce the envelope; smtpd: until the milters have seen it): in memory up to a
 *           threshold, then in a temporary file (deleted by {@link #discard()}).
 * SECURITY  Content is untrusted; memory use is bounded by the threshold. The file (in
 *           java.io.tmpdir, Karaf's data/tmp) is created 0600: it is someone's mail.
 */
public final class SpillBuffer extends OutputStream {

    private final int threshold;
    private byte[] memory = new byte[4096];
    private int size;
    private Path file;
    private OutputStream fileOut;

    public SpillBuffer(int threshold) {
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

    /** Reads everything written so far, from the start. */
    public InputStream open() throws IOException {
        if (fileOut == null) {
            return new ByteArrayInputStream(memory == null ? new byte[0] : memory, 0, size);
        }
        fileOut.flush();
        return Files.newInputStream(file);
    }

    /** Copies everything written so far to {@code out}. */
    void replayTo(OutputStream out) throws IOException {
        try (InputStream in = open()) {
            in.transferTo(out);
        }
    }

    /** Closing the content stream does not end the message; {@link #discard()} frees it. */
    @Override
    public void close() {
    }

    public void discard() {
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
