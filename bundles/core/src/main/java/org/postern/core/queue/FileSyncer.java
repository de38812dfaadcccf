// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The two system calls durability rests on; tests replace them to count or to fail them. */
public interface FileSyncer {

    /** Makes the file's content (and the size and block map needed to read it) durable. */
    void force(FileChannel channel, Path file) throws IOException;

    /** Makes the directory's entries (creations, renames) durable. */
    void syncDirectory(Path directory) throws IOException;

    /** fdatasync for files; open(dir, O_RDONLY) plus fsync for directories (works on Linux). */
    FileSyncer REAL = new FileSyncer() {
        @Override
        public void force(FileChannel channel, Path file) throws IOException {
            channel.force(false);
        }

        @Override
        public void syncDirectory(Path directory) throws IOException {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    };
}
