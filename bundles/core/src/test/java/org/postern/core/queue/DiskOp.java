// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.time.Instant;

/**
 * One call that changed the disk, as {@link RecordingDisk} saw it, or a test event (what a
 * caller had been told by then). Paths are relative to the queue directory; a file's data
 * belongs to its inode, which keeps its number across renames.
 */
sealed interface DiskOp {

    /** Operations on directory entries: on a journaling file system they persist in order. */
    sealed interface Entry extends DiskOp {
        /** The directory whose sync makes this entry durable (for a rename, the one it went to). */
        String directory();
    }

    record Create(String path, int inode, Instant time) implements Entry {
        public String directory() {
            return parent(path);
        }
    }

    record Rename(String from, String to) implements Entry {
        public String directory() {
            return parent(to);
        }
    }

    record Delete(String path) implements Entry {
        public String directory() {
            return parent(path);
        }
    }

    record Write(int inode, long position, byte[] bytes) implements DiskOp {
    }

    record Truncate(int inode, long size) implements DiskOp {
    }

    record SetTime(int inode, Instant time) implements DiskOp {
    }

    /** fdatasync ({@code withMetadata} false) or fsync of one file. */
    record Force(int inode, boolean withMetadata) implements DiskOp {
    }

    record SyncDirectory(String directory) implements DiskOp {
    }

    /** What the code under test had told its caller by this point. */
    record Event(Kind kind, String queueId, Object detail) implements DiskOp {
        enum Kind { ACKNOWLEDGED, FAILED, REMOVING, REMOVED, MOVING, MOVED, STATUS_FORCED, DEFERRED_UNTIL }
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
