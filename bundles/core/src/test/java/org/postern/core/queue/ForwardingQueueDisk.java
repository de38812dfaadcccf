// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Set;

/** A {@link QueueDisk} that passes every call on; tests override the calls they watch or fail. */
public class ForwardingQueueDisk implements QueueDisk {

    protected final QueueDisk next;

    public ForwardingQueueDisk(QueueDisk next) {
        this.next = next;
    }

    @Override
    public FileChannel createNew(Path file) throws IOException {
        return next.createNew(file);
    }

    @Override
    public void createDirectories(Path directory) throws IOException {
        next.createDirectories(directory);
    }

    @Override
    public void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
        next.setPermissions(path, permissions);
    }

    @Override
    public FileChannel openForAppend(Path file) throws IOException {
        return next.openForAppend(file);
    }

    @Override
    public FileChannel openForWrite(Path file) throws IOException {
        return next.openForWrite(file);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        next.rename(from, to);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        return next.delete(file);
    }

    @Override
    public void setModifiedTime(Path file, Instant time) throws IOException {
        next.setModifiedTime(file, time);
    }

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        next.force(channel, file);
    }

    @Override
    public void forceWithMetadata(FileChannel channel, Path file) throws IOException {
        next.forceWithMetadata(channel, file);
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        next.syncDirectory(directory);
    }
}
