// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A file channel that records its writes and truncations on the way to the real one. */
final class RecordingChannel extends FileChannel {

    private final FileChannel real;
    private final int inode;
    private final boolean append;
    private final RecordingDisk disk;

    RecordingChannel(FileChannel real, int inode, boolean append, RecordingDisk disk) {
        this.real = real;
        this.inode = inode;
        this.append = append;
        this.disk = disk;
    }

    int inode() {
        return inode;
    }

    private int recordWrite(ByteBuffer src, long position, int written) {
        if (written > 0) {
            byte[] bytes = new byte[written];
            src.duplicate().position(src.position() - written).get(bytes);
            disk.record(new DiskOp.Write(inode, position, bytes));
        }
        return written;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        long at = append ? real.size() : real.position();
        return recordWrite(src, at, real.write(src));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        return recordWrite(src, position, real.write(src, position));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        real.truncate(size);
        disk.record(new DiskOp.Truncate(inode, size));
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return real.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return real.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return real.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    /** Forces come through {@link RecordingDisk}, which records them. */
    @Override
    public void force(boolean metaData) throws IOException {
        real.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException("not used by the queue");
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException("not used by the queue");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("not used by the queue");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("not used by the queue");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("not used by the queue");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
