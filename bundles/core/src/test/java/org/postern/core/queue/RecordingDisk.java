// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Does every queue disk call for real and records it, so that {@link PowerLossState} can
 * rebuild what a power loss at any point would have left. Tracks which inode each name
 * refers to, as the file system does.
 */
final class RecordingDisk extends ForwardingQueueDisk {

    private final Path root;
    private final List<DiskOp> ops = new ArrayList<>();
    private final Map<String, Integer> inodes = new HashMap<>();
    private int nextInode = 1;
    /** The next force of a file whose name contains this string fails with ENOSPC. */
    volatile String failForceOf;

    RecordingDisk(Path root) {
        super(QueueDisk.REAL);
        this.root = root;
    }

    synchronized List<DiskOp> ops() {
        return List.copyOf(ops);
    }

    synchronized void record(DiskOp op) {
        ops.add(op);
    }

    void event(DiskOp.Event.Kind kind, String queueId, Object detail) {
        record(new DiskOp.Event(kind, queueId, detail));
    }

    private String relative(Path p) {
        return root.relativize(p.toAbsolutePath()).toString();
    }

    private synchronized int inodeOf(Path file) throws IOException {
        Integer inode = inodes.get(relative(file));
        if (inode == null) {
            throw new IOException("not recorded: " + file);
        }
        return inode;
    }

    @Override
    public FileChannel createNew(Path file) throws IOException {
        FileChannel real = next.createNew(file);
        int inode;
        synchronized (this) {
            inode = nextInode++;
            inodes.put(relative(file), inode);
            record(new DiskOp.Create(relative(file), inode, Instant.now()));
        }
        return new RecordingChannel(real, inode, false, this);
    }

    @Override
    public FileChannel openForAppend(Path file) throws IOException {
        return new RecordingChannel(next.openForAppend(file), inodeOf(file), true, this);
    }

    @Override
    public FileChannel openForWrite(Path file) throws IOException {
        return new RecordingChannel(next.openForWrite(file), inodeOf(file), false, this);
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        next.rename(from, to);
        inodes.put(relative(to), inodes.remove(relative(from)));
        record(new DiskOp.Rename(relative(from), relative(to)));
    }

    @Override
    public synchronized boolean delete(Path file) throws IOException {
        boolean deleted = next.delete(file);
        if (deleted) {
            inodes.remove(relative(file));
            record(new DiskOp.Delete(relative(file)));
        }
        return deleted;
    }

    @Override
    public synchronized void setModifiedTime(Path file, Instant time) throws IOException {
        next.setModifiedTime(file, time);
        record(new DiskOp.SetTime(inodeOf(file), time));
    }

    @Override
    public void force(FileChannel channel, Path file) throws IOException {
        String failing = failForceOf;
        if (failing != null && file.getFileName().toString().contains(failing)) {
            failForceOf = null;
            throw new IOException("No space left on device");
        }
        next.force(channel, file);
        record(new DiskOp.Force(((RecordingChannel) channel).inode(), false));
    }

    @Override
    public void forceWithMetadata(FileChannel channel, Path file) throws IOException {
        next.forceWithMetadata(channel, file);
        record(new DiskOp.Force(((RecordingChannel) channel).inode(), true));
    }

    @Override
    public void syncDirectory(Path directory) throws IOException {
        next.syncDirectory(directory);
        record(new DiskOp.SyncDirectory(relative(directory)));
    }
}
