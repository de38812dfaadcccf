// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the file system that holds the queue, as an unprivileged writer may use it
 * (statvfs's f_bavail, what Postfix's fsspace() reports). A seam: tests give a figure.
 */
@FunctionalInterface
interface FreeSpace {

    /** Usable bytes now; IOException when the file system cannot be asked. */
    long usableBytes() throws IOException;

    /** The file system of {@code directory}, found once and asked at each call. */
    static FreeSpace of(Path directory) {
        return new FreeSpace() {
            private FileStore store;

            @Override
            public synchronized long usableBytes() throws IOException {
                if (store == null) {
                    store = Files.getFileStore(directory);   // reads the mount table: once
                }
                return store.getUsableSpace();
            }
        };
    }
}
